using System.Globalization;
using System.Text;

namespace Baton.Expressions;

/// <summary>Turns expression text into tokens. Errors carry the zero-based position of the offending character.</summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private int _pos;

    private Lexer(string text) => _text = text;

    /// <summary>Tokenizes <paramref name="text"/>; the last token is always <see cref="TokenKind.End"/>.</summary>
    public static Token[] Tokenize(string text)
    {
        var lexer = new Lexer(text);
        lexer.Run();
        return [.. lexer._tokens];
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private void Run()
    {
        while (true)
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }

            if (_pos >= _text.Length)
            {
                _tokens.Add(new Token(TokenKind.End, _text.Length, 0));
                return;
            }

            _tokens.Add(Next());
        }
    }

    private Token Next()
    {
        char c = _text[_pos];
        switch (c)
        {
            case '(': return Symbol(TokenKind.LeftParen, 1);
            case ')': return Symbol(TokenKind.RightParen, 1);
            case '[': return Symbol(TokenKind.LeftBracket, 1);
            case ']': return Symbol(TokenKind.RightBracket, 1);
            case ',': return Symbol(TokenKind.Comma, 1);
            case '.': return Symbol(TokenKind.Dot, 1);
            case '+': return Symbol(TokenKind.Plus, 1);
            case '-': return Symbol(TokenKind.Minus, 1);
            case '*': return Symbol(TokenKind.Star, 1);
            case '/': return Symbol(TokenKind.Slash, 1);
            case '%': return Symbol(TokenKind.Percent, 1);
            case '!': return Peek(1) == '=' ? Symbol(TokenKind.BangEqual, 2) : Symbol(TokenKind.Bang, 1);
            case '<': return Peek(1) == '=' ? Symbol(TokenKind.LessEqual, 2) : Symbol(TokenKind.Less, 1);
            case '>': return Peek(1) == '=' ? Symbol(TokenKind.GreaterEqual, 2) : Symbol(TokenKind.Greater, 1);
            case '=': return Peek(1) == '=' ? Symbol(TokenKind.EqualEqual, 2) : throw Error(_pos, "unexpected '='; use '==' to compare");
            case '&': return Peek(1) == '&' ? Symbol(TokenKind.AndAnd, 2) : throw Error(_pos, "unexpected '&'; use '&&' for logical and");
            case '|': return Peek(1) == '|' ? Symbol(TokenKind.OrOr, 2) : throw Error(_pos, "unexpected '|'; use '||' for logical or");
            case '"' or '\'': return ReadString();
            default:
                if (char.IsAsciiDigit(c))
                {
                    return ReadNumber();
                }

                if (IsIdentifierStart(c))
                {
                    return ReadWord();
                }

                throw Error(_pos, $"unexpected character '{c}'");
        }
    }

    private static bool IsIdentifierStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    private Token Symbol(TokenKind kind, int length)
    {
        var token = new Token(kind, _pos, length);
        _pos += length;
        return token;
    }

    private Token ReadWord()
    {
        int start = _pos;
        while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
        {
            _pos++;
        }

        string word = _text[start.._pos];
        TokenKind kind = word switch
        {
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            "null" => TokenKind.Null,
            "in" => TokenKind.In,
            _ => TokenKind.Identifier,
        };
        return new Token(kind, start, _pos - start, word);
    }

    private Token ReadNumber()
    {
        int start = _pos;
        SkipDigits();
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            SkipDigits();
        }

        if (Peek() is 'e' or 'E')
        {
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }

            if (!char.IsAsciiDigit(Peek()))
            {
                throw Error(start, "invalid number: the exponent has no digits");
            }

            SkipDigits();
        }

        if (IsIdentifierPart(Peek()))
        {
            throw Error(start, $"invalid number: unexpected '{Peek()}' after digits");
        }

        double value = double.Parse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw Error(start, "number is out of range");
        }

        return new Token(TokenKind.Number, start, _pos - start, Number: value);
    }

    private void SkipDigits()
    {
        while (char.IsAsciiDigit(Peek()))
        {
            _pos++;
        }
    }

    private Token ReadString()
    {
        int start = _pos;
        char quote = _text[_pos++];
        StringBuilder? builder = null;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(start, "unterminated string literal");
            }

            char c = _text[_pos];
            if (c == quote)
            {
                string value = builder is null
                    ? _text[runStart.._pos]
                    : builder.Append(_text, runStart, _pos - runStart).ToString();
                _pos++;
                return new Token(TokenKind.String, start, _pos - start, value);
            }

            if (c != '\\')
            {
                _pos++;
                continue;
            }

            builder ??= new StringBuilder();
            builder.Append(_text, runStart, _pos - runStart);
            builder.Append(ReadEscape(start));
            runStart = _pos;
        }
    }

    private char ReadEscape(int stringStart)
    {
        int start = _pos;
        char kind = Peek(1);
        _pos += 2;
        switch (kind)
        {
            case '"': return '"';
            case '\'': return '\'';
            case '\\': return '\\';
            case '/': return '/';
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case 'u':
                if (_pos + 4 > _text.Length
                    || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                {
                    throw Error(start, "invalid \\u escape: expected exactly 4 hex digits");
                }

                _pos += 4;
                return (char)code;
            case '\0' when start + 1 >= _text.Length:
                throw Error(stringStart, "unterminated string literal");
            default:
                throw Error(start, $"unknown escape sequence '\\{kind}'");
        }
    }

    private ExpressionException Error(int position, string problem) => new(_text, position, problem);
}
