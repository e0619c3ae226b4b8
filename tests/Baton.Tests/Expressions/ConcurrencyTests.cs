using System.Text.Json;

namespace Baton.Tests.Expressions;

public class ConcurrencyTests
{
    [Fact]
    public void Evaluate_SameExpressionFromManyThreads_GivesEachScopeItsOwnAnswer()
    {
        const int count = 2000;
        BatonExpression value = BatonExpression.Parse("event.data.n * 2 + 1");
        BatonExpression key = BatonExpression.Parse("event.data.name + \":\" + event.data.n");
        BatonExpression condition = BatonExpression.Parse("event.data.n % 2 == 0 && startsWith(event.data.name, \"item\")");
        var documents = new JsonDocument[count];
        for (int i = 0; i < count; i++)
        {
            documents[i] = JsonDocument.Parse($"{{\"data\":{{\"n\":{i},\"name\":\"item-{i}\"}}}}");
        }

        var values = new object?[count];
        var keys = new string?[count];
        var conditions = new bool[count];
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                var scope = new ExpressionScope("event", documents[i].RootElement);
                values[i] = value.Evaluate(scope);
                keys[i] = key.EvaluateKey(scope);
                conditions[i] = condition.EvaluateCondition(scope);
            });
        }
        finally
        {
            foreach (JsonDocument document in documents)
            {
                document.Dispose();
            }
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal((double)((i * 2) + 1), values[i]);
            Assert.Equal($"item-{i}:{i}", keys[i]);
            Assert.Equal(i % 2 == 0, conditions[i]);
        }
    }
}
