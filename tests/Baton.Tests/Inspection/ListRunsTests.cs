using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Inspection;

public sealed class ListRunsTests
{
    private static readonly DateTimeOffset Start = BatonTestHost.DefaultStart;

    private static Task<BatonTestHost> StartAsync() => BatonTestHost.StartAsync(b => b
        .AddFunction<int, int>("square", f => f.OnEvent("num/square"), ctx => Task.FromResult(ctx.Data * ctx.Data))
        .AddFunction<int>("nap", f => f.OnEvent("num/nap"), async ctx => await ctx.Step.Sleep("nap", TimeSpan.FromDays(1)))
        .AddFunction<int>("fail", f => f.OnEvent("num/fail").Retries(0), _ => throw new InvalidOperationException("no")));

    [Fact]
    public async Task ListRunsAsync_CursorPaging_ReturnsEveryRunOnceNewestFirst()
    {
        await using var host = await StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            created.Add(await host.StartRunAsync("num/square", i, "square"));
            host.Advance(TimeSpan.FromSeconds(1));
        }

        var pages = new List<Page<RunInfo>>();
        string? cursor = null;
        do
        {
            var page = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "square", Limit = 10, Cursor = cursor });
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        var all = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(Enumerable.Reverse(created), all.Select(r => r.Id));
        Assert.Equal(all.Select(r => r.CreatedAt).OrderDescending(), all.Select(r => r.CreatedAt));
        Assert.Equal(Start.AddSeconds(24), all[0].CreatedAt);
        Assert.Null(pages[^1].NextCursor);
    }

    [Fact]
    public async Task ListRunsAsync_RunsCreatedInTheSameMillisecond_AreListedNewestFirst()
    {
        await using var host = await StartAsync();

        var eventIds = await host.Client.SendAsync(Enumerable.Range(0, 20).Select(i => new EventMessage("num/square", i)));

        var runs = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "square" });
        Assert.Equal(Enumerable.Reverse(eventIds), runs.Items.Select(r => r.EventId!));
    }

    [Fact]
    public async Task ListRunsAsync_ExactlyOnePage_HasNoCursor()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.StartRunAsync("num/square", i, "square");
        }

        var page = await host.Inspector.ListRunsAsync(new RunQuery { Limit = 3 });

        Assert.Equal(3, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListRunsAsync_FilterByFunctionAndStatus_ReturnsOnlyThose()
    {
        await using var host = await StartAsync();
        var square = await host.WaitForRunAsync(await host.StartRunAsync("num/square", 3, "square"));
        var napId = await host.StartRunAsync("num/nap", 1, "nap");
        await host.WaitForStatusAsync(napId, RunStatus.Sleeping);
        var failed = await host.WaitForRunAsync(await host.StartRunAsync("num/fail", 1, "fail"));

        var byFunction = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "square" });
        var sleeping = await host.Inspector.ListRunsAsync(new RunQuery { Statuses = [RunStatus.Sleeping] });
        var finished = await host.Inspector.ListRunsAsync(new RunQuery { Statuses = [RunStatus.Completed, RunStatus.Failed] });
        var both = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "fail", Statuses = [RunStatus.Completed] });

        Assert.Equal([square.Id], byFunction.Items.Select(r => r.Id));
        Assert.Equal([napId], sleeping.Items.Select(r => r.Id));
        Assert.Equal(new[] { square.Id, failed.Id }.Order(), finished.Items.Select(r => r.Id).Order());
        Assert.Empty(both.Items);
    }

    [Fact]
    public async Task ListRunsAsync_TimeRange_FromIsInclusiveToIsExclusive()
    {
        await using var host = await StartAsync();
        var ids = new List<string>();
        for (var hour = 0; hour < 4; hour++)
        {
            ids.Add(await host.StartRunAsync("num/square", hour, "square"));
            host.Advance(TimeSpan.FromHours(1));
        }

        var middle = await host.Inspector.ListRunsAsync(new RunQuery { CreatedFrom = Start.AddHours(1), CreatedTo = Start.AddHours(3) });
        var from = await host.Inspector.ListRunsAsync(new RunQuery { CreatedFrom = Start.AddHours(2) });
        var to = await host.Inspector.ListRunsAsync(new RunQuery { CreatedTo = Start.AddHours(1) });

        Assert.Equal([ids[2], ids[1]], middle.Items.Select(r => r.Id));
        Assert.Equal([ids[3], ids[2]], from.Items.Select(r => r.Id));
        Assert.Equal([ids[0]], to.Items.Select(r => r.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task ListRunsAsync_InvalidLimit_ThrowsArgumentException(int limit)
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Inspector.ListRunsAsync(new RunQuery { Limit = limit }));
    }

    [Fact]
    public async Task ListRunsAsync_NoRuns_ReturnsEmptyPage()
    {
        await using var host = await StartAsync();

        var page = await host.Inspector.ListRunsAsync(new RunQuery { FunctionId = "square" });

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }
}
