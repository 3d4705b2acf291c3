namespace HealthServerless.Functions.Platform.Problems;

/// <summary>
/// A request the platform rejects before any business rule runs (malformed JSON, body too
/// large, bad Idempotency-Key). Thrown from helpers deep in a function and written by
/// <see cref="ProblemsMiddleware"/>, so functions need no error plumbing.
/// </summary>
public sealed class ProblemException(Problem problem) : Exception(problem?.Title)
{
    public Problem Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));
}
