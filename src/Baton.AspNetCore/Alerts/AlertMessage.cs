namespace Baton.AspNetCore.Alerts;

/// <summary>The JSON body posted to an alert's webhook.</summary>
/// <param name="FunctionId">The function whose runs fail.</param>
/// <param name="RunId">The failed run that tripped the rule.</param>
/// <param name="Error">That run's error, if it could be read.</param>
/// <param name="Rule">"any-failure" or "failure-rate".</param>
/// <param name="FailedRuns">Failed runs in the window (1 for any-failure).</param>
/// <param name="FinishedRuns">Finished runs in the window (1 for any-failure).</param>
/// <param name="WindowMs">The rule's window in milliseconds.</param>
/// <param name="At">When the alert fired.</param>
/// <param name="Text">A one-line summary (Slack-compatible <c>text</c> member).</param>
public sealed record AlertMessage(string FunctionId, string RunId, ErrorInfo? Error, string Rule, int FailedRuns, int FinishedRuns, double WindowMs, DateTimeOffset At, string Text);
