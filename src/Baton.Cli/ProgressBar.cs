namespace Baton.Cli;

/// <summary>A text progress bar: redrawn in place on a terminal, one line per change when output is redirected.</summary>
internal sealed class ProgressBar(CliConsole console, string label)
{
    private const int Width = 30;
    private string? _last;

    public void Report(long done, long total)
    {
        var filled = total <= 0 ? Width : (int)Math.Min(Width, done * Width / total);
        var text = $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {done}/{total}";
        if (text == _last)
        {
            return;
        }

        _last = text;
        if (console.Redirected)
        {
            console.Out.WriteLine(text);
        }
        else
        {
            console.Out.Write("\r" + text);
        }
    }

    public void Finish()
    {
        if (!console.Redirected)
        {
            console.Out.WriteLine();
        }
    }
}
