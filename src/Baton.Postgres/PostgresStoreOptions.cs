namespace Baton.Postgres;

/// <summary>How the PostgreSQL store connects.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema holding Baton's tables (created when missing). Default is <c>baton</c>.</summary>
    public string Schema { get; set; } = "baton";

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string must not be empty", nameof(ConnectionString));
        }

        if (string.IsNullOrWhiteSpace(Schema) || Schema.Length > 63 || !Schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || char.IsAsciiDigit(Schema[0]))
        {
            throw new ArgumentException($"Schema '{Schema}' must be 1–63 lowercase letters, digits or underscores, not starting with a digit", nameof(Schema));
        }
    }
}
