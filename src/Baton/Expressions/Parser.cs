using System.Collections.Frozen;

namespace Baton.Expressions;

/// <summary>
/// Recursive-descent parser. Precedence, lowest first: <c>||</c>; <c>&amp;&amp;</c>; <c>== !=</c>;
/// <c>&lt; &lt;= &gt; &gt;= in</c>; <c>+ -</c>; <c>* / %</c>; unary <c>! -</c>; literals, paths, calls and parentheses.
/// </summary>
internal sealed class Parser
{
    /// <summary>Maximum nesting of the source and height of the tree; keeps parsing and evaluation recursion bounded.</summary>
    public const int MaxDepth = 100;

    private readonly string _text;
    private readonly Token[] _tokens;
    private readonly HashSet<string> _roots = new(StringComparer.Ordinal);
    private int _index;
    private int _nesting;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    private Token Current => _tokens[_index];

    /// <summary>Parses <paramref name="text"/> into a tree and collects the root variables it reads.</summary>
    public static Node Parse(string text, out FrozenSet<string> rootVariables)
    {
        var parser = new Parser(text);
        Node root = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Error(parser.Current.Position, $"unexpected {parser.Describe(parser.Current)}");
        }

        rootVariables = parser._roots.ToFrozenSet(StringComparer.Ordinal);
        return root;
    }

    private Token Advance() => _tokens[_index++];

    private Node ParseOr()
    {
        Node first = ParseAnd();
        if (Current.Kind != TokenKind.OrOr)
        {
            return first;
        }

        int position = Current.Position;
        var rest = new List<Node>();
        while (Current.Kind == TokenKind.OrOr)
        {
            _index++;
            rest.Add(ParseAnd());
        }

        return Checked(new OrNode(position, first, [.. rest]));
    }

    private Node ParseAnd()
    {
        Node first = ParseEquality();
        if (Current.Kind != TokenKind.AndAnd)
        {
            return first;
        }

        int position = Current.Position;
        var rest = new List<Node>();
        while (Current.Kind == TokenKind.AndAnd)
        {
            _index++;
            rest.Add(ParseEquality());
        }

        return Checked(new AndNode(position, first, [.. rest]));
    }

    private Node ParseEquality()
    {
        Node left = ParseRelational();
        while (Current.Kind is TokenKind.EqualEqual or TokenKind.BangEqual)
        {
            Token op = Advance();
            Node right = ParseRelational();
            left = Checked(new EqualityNode(op.Position, op.Kind == TokenKind.BangEqual, left, right));
        }

        return left;
    }

    private Node ParseRelational()
    {
        Node left = ParseAdditive();
        while (true)
        {
            Token op = Current;
            ComparisonOperator comparison;
            switch (op.Kind)
            {
                case TokenKind.Less: comparison = ComparisonOperator.Less; break;
                case TokenKind.LessEqual: comparison = ComparisonOperator.LessOrEqual; break;
                case TokenKind.Greater: comparison = ComparisonOperator.Greater; break;
                case TokenKind.GreaterEqual: comparison = ComparisonOperator.GreaterOrEqual; break;
                case TokenKind.In:
                    _index++;
                    left = Current.Kind == TokenKind.LeftBracket
                        ? Checked(new InListNode(op.Position, left, ParseList()))
                        : Checked(new InNode(op.Position, left, ParseAdditive()));
                    continue;
                default:
                    return left;
            }

            _index++;
            left = Checked(new ComparisonNode(op.Position, comparison, left, ParseAdditive()));
        }
    }

    private Node[] ParseList()
    {
        Token open = Advance();
        _nesting++;
        var items = new List<Node>();
        if (Current.Kind != TokenKind.RightBracket)
        {
            while (true)
            {
                items.Add(ParseOr());
                if (Current.Kind != TokenKind.Comma)
                {
                    break;
                }

                _index++;
            }
        }

        Expect(TokenKind.RightBracket, "',' or ']' to close the list opened", open.Position);
        _nesting--;
        return [.. items];
    }

    private Node ParseAdditive()
    {
        Node left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            Token op = Advance();
            ArithmeticOperator arithmetic = op.Kind == TokenKind.Plus ? ArithmeticOperator.Add : ArithmeticOperator.Subtract;
            left = Checked(new ArithmeticNode(op.Position, arithmetic, left, ParseMultiplicative()));
        }

        return left;
    }

    private Node ParseMultiplicative()
    {
        Node left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            Token op = Advance();
            ArithmeticOperator arithmetic = op.Kind switch
            {
                TokenKind.Star => ArithmeticOperator.Multiply,
                TokenKind.Slash => ArithmeticOperator.Divide,
                _ => ArithmeticOperator.Remainder,
            };
            left = Checked(new ArithmeticNode(op.Position, arithmetic, left, ParseUnary()));
        }

        return left;
    }

    private Node ParseUnary()
    {
        if (++_nesting > MaxDepth)
        {
            throw Error(Current.Position, $"the expression is nested more than {MaxDepth} levels deep");
        }

        Token op = Current;
        Node result;
        if (op.Kind == TokenKind.Bang)
        {
            _index++;
            result = Checked(new NotNode(op.Position, ParseUnary()));
        }
        else if (op.Kind == TokenKind.Minus && _tokens[_index + 1].Kind == TokenKind.Number)
        {
            _index++;
            result = new ConstantNode(op.Position, Value.FromNumber(-Advance().Number));
        }
        else if (op.Kind == TokenKind.Minus)
        {
            _index++;
            result = Checked(new NegateNode(op.Position, ParseUnary()));
        }
        else
        {
            result = ParsePrimary();
        }

        _nesting--;
        return result;
    }

    private Node ParsePrimary()
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _index++;
                return new ConstantNode(token.Position, Value.FromNumber(token.Number));
            case TokenKind.String:
                _index++;
                return new ConstantNode(token.Position, Value.FromString(token.Text!));
            case TokenKind.True:
                _index++;
                return new ConstantNode(token.Position, Value.True);
            case TokenKind.False:
                _index++;
                return new ConstantNode(token.Position, Value.False);
            case TokenKind.Null:
                _index++;
                return new ConstantNode(token.Position, Value.Null);
            case TokenKind.LeftParen:
                _index++;
                Node inner = ParseOr();
                Expect(TokenKind.RightParen, "')' to close the '(' opened", token.Position);
                return inner;
            case TokenKind.Identifier:
                _index++;
                return Current.Kind == TokenKind.LeftParen ? ParseCall(token) : ParsePath(token);
            case TokenKind.LeftBracket:
                throw Error(token.Position, "a list like [1, 2] is only allowed on the right of 'in'");
            case TokenKind.End:
                throw Error(token.Position, "expected a value but reached the end of the expression");
            default:
                throw Error(token.Position, $"expected a value but found {Describe(token)}");
        }
    }

    private Node ParseCall(Token name)
    {
        if (!Functions.IsKnown(name.Text!))
        {
            throw Functions.Unknown(_text, name);
        }

        Token open = Advance();
        var args = new List<Node>();
        var positions = new List<int>();
        if (Current.Kind != TokenKind.RightParen)
        {
            while (true)
            {
                positions.Add(Current.Position);
                args.Add(ParseOr());
                if (Current.Kind != TokenKind.Comma)
                {
                    break;
                }

                _index++;
            }
        }

        Expect(TokenKind.RightParen, "',' or ')' to close the call opened", open.Position);
        return Checked(Functions.Create(_text, name, args, positions));
    }

    private PathNode ParsePath(Token root)
    {
        _roots.Add(root.Text!);
        var segments = new List<PathSegment>();
        while (true)
        {
            if (Current.Kind == TokenKind.Dot)
            {
                _index++;
                Token field = Current;
                if (!field.IsWord)
                {
                    throw Error(field.Position, $"expected a field name after '.' but found {Describe(field)}");
                }

                _index++;
                if (Current.Kind == TokenKind.LeftParen)
                {
                    throw Error(
                        field.Position,
                        $"method calls are not supported; call functions as name(arguments), e.g. {field.Text}(x, ...)");
                }

                segments.Add(PathSegment.Field(field.Text!));
            }
            else if (Current.Kind == TokenKind.LeftBracket)
            {
                segments.Add(ParseIndex());
            }
            else
            {
                break;
            }
        }

        var path = new PathNode(root.Position, root.Text!, [.. segments]);
        Checked(path);
        return path;
    }

    private PathSegment ParseIndex()
    {
        Token open = Advance();
        Token first = Current;
        if (first.Kind != TokenKind.End && _tokens[_index + 1].Kind == TokenKind.RightBracket)
        {
            if (first.Kind == TokenKind.String)
            {
                _index += 2;
                return PathSegment.Field(first.Text!);
            }

            if (first.Kind == TokenKind.Number)
            {
                if (first.Number > int.MaxValue || first.Number != Math.Floor(first.Number))
                {
                    throw Error(first.Position, "an array index must be a non-negative integer");
                }

                _index += 2;
                return PathSegment.ArrayIndex((int)first.Number);
            }
        }

        _nesting++;
        Node key = ParseOr();
        Expect(TokenKind.RightBracket, "']' to close the index opened", open.Position);
        _nesting--;
        return PathSegment.Computed(key);
    }

    private void Expect(TokenKind kind, string what, int openedAt)
    {
        if (Current.Kind != kind)
        {
            string found = Current.Kind == TokenKind.End ? "reached the end of the expression" : $"found {Describe(Current)}";
            throw Error(Current.Position, $"expected {what} at position {openedAt}, but {found}");
        }

        _index++;
    }

    private Node Checked(Node node) =>
        node.Depth > MaxDepth
            ? throw Error(node.Position, $"the expression is nested more than {MaxDepth} levels deep")
            : node;

    private string Describe(Token token) =>
        token.Kind == TokenKind.End ? "the end of the expression" : $"'{_text.AsSpan(token.Position, token.Length)}'";

    private ExpressionException Error(int position, string problem) => new(_text, position, problem);
}
