namespace Baton.Expressions;

/// <summary>
/// A node of a parsed expression tree. Nodes are immutable, so one tree can be evaluated by many threads at once.
/// </summary>
internal abstract class Node
{
    protected Node(int position, int depth)
    {
        Position = position;
        Depth = depth;
    }

    /// <summary>Zero-based position in the expression text, used in error messages.</summary>
    public int Position { get; }

    /// <summary>Height of the subtree rooted here; the parser bounds it to keep evaluation off deep recursion.</summary>
    public int Depth { get; }

    public abstract Value Evaluate(in EvaluationContext context);

    protected static int DepthOf(Node child) => child.Depth + 1;

    protected static int DepthOf(Node left, Node right) => Math.Max(left.Depth, right.Depth) + 1;

    protected static int DepthOf(Node first, ReadOnlySpan<Node> others)
    {
        int depth = first.Depth;
        foreach (Node node in others)
        {
            depth = Math.Max(depth, node.Depth);
        }

        return depth + 1;
    }
}

/// <summary>A literal: string, number, bool or null.</summary>
internal sealed class ConstantNode(int position, Value value) : Node(position, 1)
{
    public Value Value { get; } = value;

    public override Value Evaluate(in EvaluationContext context) => Value;
}
