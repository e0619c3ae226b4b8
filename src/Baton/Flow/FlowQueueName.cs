namespace Baton.Flow;

/// <summary>Splits a stored queue name (<c>function \x1f key</c>) for inspection.</summary>
internal static class FlowQueueName
{
    public static (string FunctionId, string Key) Split(string queue)
    {
        var at = queue.IndexOf(CompiledFlow.Separator, StringComparison.Ordinal);
        return at < 0 ? (queue, "") : (queue[..at], queue[(at + 1)..]);
    }

    /// <summary>The smallest queue name of a function, and the first name past all of them (for a range read).</summary>
    public static (string From, string? To) Range(string functionId) => (functionId + CompiledFlow.Separator, functionId + (char)(CompiledFlow.Separator + 1));
}
