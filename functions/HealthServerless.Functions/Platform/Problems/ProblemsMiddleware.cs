using HealthServerless.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Platform.Problems;

/// <summary>
/// The outermost middleware for HTTP invocations: whatever escapes a function or an inner
/// middleware becomes a problem+json response here. Domain errors and platform rejections
/// keep their kind; anything else is a fault, logged (exception only: no bodies, no tokens)
/// and answered 500 with a fixed text. Non-HTTP invocations are left alone so that queue
/// and timer failures still reach the host, which retries them and parks poison messages.
/// </summary>
public sealed partial class ProblemsMiddleware(ILogger<ProblemsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        // This is the one place every failure of an HTTP invocation is turned into a response.
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
            LogAborted(logger, context.FunctionDefinition.Name);
        }
        catch (Exception exception)
        {
            Problem problem;
            switch (exception)
            {
                case DomainException domain:
                    problem = ApiProblems.From(domain);
                    LogDomainError(logger, context.FunctionDefinition.Name, domain.Kind, domain.Code);
                    break;
                case ProblemException rejected:
                    problem = rejected.Problem;
                    LogRejected(logger, context.FunctionDefinition.Name, problem.Status, problem.Type);
                    break;
                default:
                    problem = ApiProblems.Internal();
                    LogFault(logger, exception, context.FunctionDefinition.Name, ProblemResponses.TraceId(http));
                    break;
            }

            if (http.Response.HasStarted)
            {
                // Part of a response is already on the wire; a problem cannot follow it, so cut
                // the connection rather than let the client take a truncated body as complete.
                http.Abort();
                return;
            }

            http.Response.Clear();
            await ProblemResponses.WriteAsync(http, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName}: domain error {Kind} {Code}")]
    private static partial void LogDomainError(ILogger logger, string functionName, DomainErrorKind kind, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName}: request rejected with {Status} {ProblemType}")]
    private static partial void LogRejected(ILogger logger, string functionName, int status, string problemType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} failed (trace {TraceId})")]
    private static partial void LogFault(ILogger logger, Exception exception, string functionName, string traceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Function {FunctionName}: the caller disconnected")]
    private static partial void LogAborted(ILogger logger, string functionName);
}
