using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.Functions;

public sealed class ClassFunctionTests
{
    public sealed record Order(string OrderId, decimal Net, string Country);

    public interface ITaxTable
    {
        decimal RateFor(string country);
    }

    public sealed class FixedTaxTable : ITaxTable
    {
        public decimal RateFor(string country) => country == "GB" ? 0.2m : 0.1m;
    }

    /// <summary>A class function with a constructor-injected service and a typed payload and result.</summary>
    public sealed class PriceOrder(ITaxTable taxes) : BatonFunction<Order, decimal>
    {
        public override async Task<decimal> RunAsync(FunctionContext<Order> context)
        {
            var rate = await context.Step.Run("rate", () => Task.FromResult(taxes.RateFor(context.Data.Country)));
            return await context.Step.Run("gross", () => Task.FromResult(context.Data.Net * (1 + rate)));
        }
    }

    /// <summary>A class function without a result; it records what it saw in a singleton.</summary>
    public sealed class RecordOrder(Seen seen) : BatonFunction<Order>
    {
        public override async Task RunAsync(FunctionContext<Order> context)
        {
            await context.Step.Run("record", () =>
            {
                seen.Add($"{context.FunctionId}:{context.Data.OrderId}:{context.Event.Name}:{ReferenceEquals(seen, context.Services.GetRequiredService<Seen>())}");
                return Task.CompletedTask;
            });
        }
    }

    public sealed class Seen
    {
        private readonly List<string> _items = [];

        public IReadOnlyList<string> Items
        {
            get
            {
                lock (_items)
                {
                    return _items.ToArray();
                }
            }
        }

        public void Add(string item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }
    }

    [Fact]
    public async Task AddFunction_ClassWithInjectedService_RunsWithTypedPayloadAndResult()
    {
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<PriceOrder>("price-order", f => f.OnEvent("order/created")),
            services => services.AddSingleton<ITaxTable, FixedTaxTable>());

        var run = await host.SendAndWaitAsync("order/created", new Order("o-1", 100m, "GB"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("price-order", run.FunctionId);
        Assert.Equal(120m, decimal.Parse(run.Output!, System.Globalization.CultureInfo.InvariantCulture));
        var steps = await host.StepsAsync(run.Id);
        Assert.Equal(["rate", "gross"], steps.Select(s => s.Id));
        Assert.Equal("0.2", steps[0].Output);
    }

    [Fact]
    public async Task AddFunction_ClassWithoutResult_CompletesWithNoOutput()
    {
        var seen = new Seen();
        await using var host = await BatonTestHost.StartAsync(
            b => b.AddFunction<RecordOrder>("record-order", f => f.OnEvent("order/created")),
            services => services.AddSingleton(seen));

        var run = await host.SendAndWaitAsync("order/created", new Order("o-7", 1m, "FR"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Null(run.Output);
        Assert.Equal(["record-order:o-7:order/created:True"], seen.Items);
    }

    [Fact]
    public async Task AddFunction_ClassWithMissingService_FailsTheRunWithTheResolutionError()
    {
        await using var host = await BatonTestHost.StartAsync(b => b.AddFunction<PriceOrder>("price-order", f => f.OnEvent("order/created").Retries(0)));

        var run = await host.SendAndWaitAsync("order/created", new Order("o-1", 100m, "GB"));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(nameof(ITaxTable), run.Error!.Message, StringComparison.Ordinal);
    }
}
