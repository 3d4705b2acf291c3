using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace HealthServerless.Functions.Tests.Platform.Problems;

public sealed class ProblemsTests : IAsyncLifetime
{
    private PlatformHarness _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = PlatformHarness.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData(DomainErrorKind.NotFound, 404, "not-found")]
    [InlineData(DomainErrorKind.Conflict, 409, "conflict")]
    [InlineData(DomainErrorKind.Forbidden, 403, "forbidden")]
    [InlineData(DomainErrorKind.Validation, 400, "validation")]
    [InlineData(DomainErrorKind.PreconditionFailed, 412, "precondition-failed")]
    [InlineData(DomainErrorKind.Gone, 410, "gone")]
    [InlineData(DomainErrorKind.Unprocessable, 422, "unprocessable")]
    [InlineData(DomainErrorKind.TooManyRequests, 429, "too-many-requests")]
    public void Every_domain_error_kind_has_a_status_and_a_stable_type(DomainErrorKind kind, int status, string type)
    {
        var problem = ApiProblems.From(new DomainException(kind, "some-code", "Readable detail."));

        Assert.Equal(status, problem.Status);
        Assert.Equal("https://healthserverless.city/problems/" + type, problem.Type);
        Assert.Equal("Readable detail.", problem.Detail);
        Assert.Equal("some-code", problem.Code);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
    }

    [Fact]
    public void Every_domain_error_kind_is_mapped() =>
        Assert.All(Enum.GetValues<DomainErrorKind>(), kind =>
            Assert.NotEqual(500, ApiProblems.From(new DomainException(kind, "c", "d")).Status));

    [Fact]
    public async Task A_domain_error_thrown_by_a_function_becomes_its_problem()
    {
        var response = await _host.SendAsync(SampleFunctions.RefuseMethod, "POST", "/api/refuse", _host.Token("alice", [Roles.Citizen]));

        Assert.Equal(409, response.Status);
        Assert.Equal("application/problem+json; charset=utf-8", response.ContentType);
        var json = response.Json;
        Assert.Equal("https://healthserverless.city/problems/conflict", json.GetProperty("type").GetString());
        Assert.Equal("The slot is already taken.", json.GetProperty("detail").GetString());
        Assert.Equal("slot-full", json.GetProperty("code").GetString());
        Assert.Equal(409, json.GetProperty("status").GetInt32());
        Assert.Equal("/api/refuse", json.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task An_unexpected_exception_is_500_without_its_message_and_is_logged()
    {
        var response = await _host.SendAsync(SampleFunctions.FailMethod, "POST", "/api/fail", _host.Token("alice", [Roles.Citizen]));

        Assert.Equal(500, response.Status);
        Assert.Equal("https://healthserverless.city/problems/internal", response.Json.GetProperty("type").GetString());
        Assert.DoesNotContain("110101199003077777", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
        var logged = Assert.Single(_host.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains("Fail", logged, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_http_invocation_failure_still_reaches_the_host_for_retries()
    {
        var middleware = new ProblemsMiddleware(NullLogger<ProblemsMiddleware>.Instance);
        var context = new TestFunctionContext(TestFunctionDefinition.For(SampleFunctions.FailMethod), _host.Services, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            middleware.Invoke(context, _ => throw new InvalidOperationException("queue message failed")));
    }

    [Fact]
    public async Task Validation_problems_list_their_fields_and_retry_after_is_a_header()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        http.Request.Path = "/api/x";

        await ProblemResponses.WriteAsync(http, ApiProblems.TooManyRequests("Slow down.", retryAfter: TimeSpan.FromSeconds(2.5)));

        Assert.Equal("3", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("no-store", http.Response.Headers.CacheControl.ToString());
    }
}
