using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Baton.Tests.TestSupport;

/// <summary>One captured log entry.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>Captures everything logged through the host's logger factory; tests wait on entries instead of on time.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly object _gate = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    /// <summary>Waits for the first entry (already logged or future) that matches.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match)
    {
        var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _entries.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((match, found));
        }

        return found.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        List<TaskCompletionSource<LogEntry>> hits = [];
        lock (_gate)
        {
            _entries.Enqueue(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    hits.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var hit in hits)
        {
            hit.TrySetResult(entry);
        }
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => sink.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
