using System.Text.Json;
using Baton.Testing;
using Baton.Tests.TestSupport;

namespace Baton.Tests.Steps;

public sealed class RunStepTests
{
    public sealed record Quote(string Sku, decimal Price, IReadOnlyList<string> Tags, DateTimeOffset At, Supplier? Supplier);

    public sealed record Supplier(string Name, int Rating);

    [Fact]
    public async Task Run_ComplexRecordResult_IsReturnedEqualAfterReplay()
    {
        var executions = 0;
        var seen = new List<Quote>();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "quote",
            f => f.OnEvent("quote/requested"),
            async ctx =>
            {
                var quote = await ctx.Step.Run("fetch", () =>
                {
                    executions++;
                    return Task.FromResult(new Quote("SKU-1", 12.5m, ["new", "sale"], BatonTestHost.DefaultStart, new Supplier("Acme", 4)));
                });
                seen.Add(quote);
                await ctx.Step.Sleep("wait", TimeSpan.FromMinutes(1));
                return $"{quote.Sku}:{quote.Price}:{string.Join('+', quote.Tags)}:{quote.Supplier!.Name}";
            }));

        var runId = await host.StartRunAsync("quote/requested", null, "quote");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromMinutes(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("SKU-1:12.5:new+sale:Acme", run.OutputAs<string>());
        Assert.Equal(1, executions);
        Assert.Equal(2, seen.Count);
        Assert.Equal(seen[0] with { Tags = [] }, seen[1] with { Tags = [] });
        Assert.Equal(seen[0].Tags, seen[1].Tags);
        var fetch = (await host.StepsAsync(runId))[0];
        using var output = JsonDocument.Parse(fetch.Output!);
        Assert.Equal("SKU-1", output.RootElement.GetProperty("sku").GetString());
        Assert.Equal(4, output.RootElement.GetProperty("supplier").GetProperty("rating").GetInt32());
    }

    [Fact]
    public async Task Run_NullAndVoidResults_AreMemoizedAsNull()
    {
        var executions = 0;
        var replayed = new List<string>();
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "nulls",
            f => f.OnEvent("nulls/go"),
            async ctx =>
            {
                var text = await ctx.Step.Run("text", () => { executions++; return Task.FromResult<string?>(null); });
                var number = await ctx.Step.Run("number", () => { executions++; return Task.FromResult<int?>(null); });
                var record = await ctx.Step.Run("record", () => { executions++; return Task.FromResult<Supplier?>(null); });
                await ctx.Step.Run("void", () => { executions++; return Task.CompletedTask; });
                replayed.Add($"{text is null}:{number is null}:{record is null}");
                await ctx.Step.Sleep("nap", TimeSpan.FromSeconds(5));
            }));

        var runId = await host.StartRunAsync("nulls/go", null, "nulls");
        await host.WaitForStatusAsync(runId, RunStatus.Sleeping);
        host.Advance(TimeSpan.FromSeconds(5));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(4, executions);
        Assert.Equal(["True:True:True", "True:True:True"], replayed);
        var steps = await host.StepsAsync(runId);
        Assert.Equal(["text", "number", "record", "void", "nap"], steps.Select(s => s.Id));
        Assert.All(steps.Take(4), s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.All(steps.Take(4), s => Assert.Null(s.Output));
    }

    [Fact]
    public async Task Run_AfterSleep_RecordedStepsAreNotExecutedAgain()
    {
        var counts = new int[3];
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "sum",
            f => f.OnEvent("sum/go"),
            async ctx =>
            {
                var a = await ctx.Step.Run("a", () => { counts[0]++; return Task.FromResult(1); });
                var b2 = await ctx.Step.Run("b", () => { counts[1]++; return Task.FromResult(a + 10); });
                await ctx.Step.Sleep("first-nap", TimeSpan.FromHours(1));
                await ctx.Step.Sleep("second-nap", TimeSpan.FromHours(1));
                return await ctx.Step.Run("c", () => { counts[2]++; return Task.FromResult(b2 + 100); });
            }));

        var runId = await host.StartRunAsync("sum/go", null, "sum");
        await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Sleeping && r.StepCount == 3);
        host.Advance(TimeSpan.FromHours(1));
        await host.WaitForRunAsync(runId, r => r.Status == RunStatus.Sleeping && r.StepCount == 4);
        host.Advance(TimeSpan.FromHours(1));
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("111", run.Output);
        Assert.Equal([1, 1, 1], counts);
    }

    [Fact]
    public async Task Run_SameNameTwice_GetsOccurrenceIds()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, int>(
            "pages",
            f => f.OnEvent("pages/go"),
            async ctx =>
            {
                var total = 0;
                for (var page = 1; page <= 3; page++)
                {
                    var p = page;
                    total += await ctx.Step.Run("page", () => Task.FromResult(p * 10));
                }

                return total;
            }));

        var run = await host.SendAndWaitAsync("pages/go");

        Assert.Equal("60", run.Output);
        var steps = await host.StepsAsync(run.Id);
        Assert.Equal(["page", "page#2", "page#3"], steps.Select(s => s.Id));
        Assert.All(steps, s => Assert.Equal("page", s.Name));
        Assert.Equal([0, 1, 2], steps.Select(s => s.Position));
        Assert.Equal(["10", "20", "30"], steps.Select(s => s.Output));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has#hash")]
    [InlineData("tab\there")]
    public async Task Run_InvalidStepName_FailsTheRun(string name)
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object>(
            "bad-name",
            f => f.OnEvent("bad/go"),
            async ctx => await ctx.Step.Run(name, () => Task.FromResult(1))));

        var run = await host.SendAndWaitAsync("bad/go");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(typeof(InvalidStepException).FullName, run.Error!.Type);
        Assert.Equal(0, run.Attempt);
    }
}

public sealed class StepOutputEncodingTests
{
    [Fact]
    public async Task Run_TextWithPlusAndNonAscii_StoredUnescaped()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<object, string>(
            "encode",
            f => f.OnEvent("t/encode"),
            ctx => ctx.Step.Run("text", () => Task.FromResult("1+1 <= 2 · Zürich"))));

        var run = await host.SendAndWaitAsync("t/encode");

        Assert.Equal("\"1+1 <= 2 · Zürich\"", run.Output);
        Assert.Equal("\"1+1 <= 2 · Zürich\"", (await host.StepsAsync(run.Id)).Single().Output);
    }
}
