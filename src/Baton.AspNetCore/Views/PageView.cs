namespace Baton.AspNetCore.Views;

/// <summary>One page of a list, newest first.</summary>
/// <param name="Items">The items.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record PageView<T>(IReadOnlyList<T> Items, string? NextCursor);
