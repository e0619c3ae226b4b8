namespace Baton.Expressions;

/// <summary>Kinds of tokens produced by <see cref="Lexer"/>.</summary>
internal enum TokenKind
{
    End,
    Number,
    String,
    Identifier,
    True,
    False,
    Null,
    In,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    AndAnd,
    OrOr,
    EqualEqual,
    BangEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

/// <summary>
/// One token of an expression. <see cref="Text"/> holds the identifier or keyword spelling, or the
/// unescaped value of a string literal; <see cref="Number"/> holds the value of a number literal.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Position, int Length, string? Text = null, double Number = 0)
{
    /// <summary>True for identifiers and keywords, which may all be used as field names after a dot.</summary>
    public bool IsWord => Kind is TokenKind.Identifier or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.In;
}
