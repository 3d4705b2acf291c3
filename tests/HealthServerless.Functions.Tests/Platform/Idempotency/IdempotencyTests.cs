using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Platform.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Tests.Platform.Idempotency;

public sealed class IdempotencyTests : IAsyncLifetime
{
    private const string Body = """{"name":"Li Lei"}""";
    private PlatformHarness _host = null!;

    private Counter Runs => _host.Services.GetRequiredService<Counter>();

    public ValueTask InitializeAsync()
    {
        _host = PlatformHarness.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public void Cosmos_DB_keeps_a_record_past_the_time_it_answers_replays_and_no_longer()
    {
        var ttl = StoreContainers.Idempotency.TimeToLive!.Value;

        Assert.True(ttl > IdempotencyMiddleware.Retention);
        Assert.True(ttl <= IdempotencyMiddleware.Retention + TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_replays_the_first_response_without_running_again()
    {
        var first = await Create("alice", "key-1", Body);
        var retry = await Create("alice", "key-1", Body);

        Assert.Equal(201, first.Status);
        Assert.Equal(1, Runs.Value);
        Assert.Equal(201, retry.Status);
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal("/api/things/1", retry.Headers.Location.ToString());
        Assert.Equal(first.ContentType, retry.ContentType);
        Assert.Equal("true", retry.Headers[IdempotencyMiddleware.ReplayedHeaderName].ToString());
        Assert.False(first.Headers.ContainsKey(IdempotencyMiddleware.ReplayedHeaderName));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_does_not_run()
    {
        await Create("alice", "key-1", Body);

        var reused = await Create("alice", "key-1", """{"name":"Han Meimei"}""");

        Assert.Equal(422, reused.Status);
        Assert.Equal("https://healthserverless.city/problems/idempotency-key-reused", reused.Json.GetProperty("type").GetString());
        Assert.Equal(1, Runs.Value);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        await Create("alice", "shared-key", Body);

        var bob = await Create("bob", "shared-key", Body);

        Assert.Equal(201, bob.Status);
        Assert.Equal("bob", bob.Json.GetProperty("owner").GetString());
        Assert.Equal(2, Runs.Value);
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        Assert.Single(await store.QueryAsync(StoreContainers.Idempotency, "alice", PartitionQuery.All, TestContext.Current.CancellationToken));
        Assert.Single(await store.QueryAsync(StoreContainers.Idempotency, "bob", PartitionQuery.All, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_a_key_every_request_runs()
    {
        await Create("alice", null, Body);
        await Create("alice", null, Body);

        Assert.Equal(2, Runs.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("中文")]
    [InlineData("x129")]
    public async Task A_malformed_key_is_400_and_does_not_run(string key)
    {
        key = key == "x129" ? new string('x', 129) : key;

        var response = await Create("alice", key, Body);

        Assert.Equal(400, response.Status);
        Assert.True(response.Errors.ContainsKey(IdempotencyMiddleware.HeaderName));
        Assert.Equal(0, Runs.Value);
    }

    [Fact]
    public async Task Two_key_headers_are_400() =>
        Assert.Equal(400, (await _host.SendAsync(SampleFunctions.CreateThingMethod, "POST", "/api/things", Token("alice"), Body,
            r => r.Headers[IdempotencyMiddleware.HeaderName] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]))).Status);

    [Fact]
    public async Task A_domain_error_is_not_remembered_so_a_retry_runs_again()
    {
        var first = await Send(SampleFunctions.RefuseMethod, "/api/refuse", "alice", "key-1");
        var retry = await Send(SampleFunctions.RefuseMethod, "/api/refuse", "alice", "key-1");

        Assert.Equal(409, first.Status);
        Assert.Equal(409, retry.Status);
        Assert.Equal(2, Runs.Value);
    }

    [Fact]
    public async Task A_fault_releases_the_key_so_a_retry_runs_again()
    {
        Assert.Equal(500, (await Send(SampleFunctions.FailMethod, "/api/fail", "alice", "key-1")).Status);
        Assert.Equal(500, (await Send(SampleFunctions.FailMethod, "/api/fail", "alice", "key-1")).Status);

        Assert.Equal(2, Runs.Value);
        Assert.Empty(await _host.Services.GetRequiredService<IDocumentStore>()
            .QueryAsync(StoreContainers.Idempotency, "alice", PartitionQuery.All, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_problem_the_function_returns_is_a_response_like_any_other_and_is_replayed()
    {
        var first = await Send(SampleFunctions.ReportMethod, "/api/report", "alice", "key-1");
        var retry = await Send(SampleFunctions.ReportMethod, "/api/report", "alice", "key-1");

        Assert.Equal(422, first.Status);
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal("application/problem+json; charset=utf-8", retry.ContentType);
        Assert.Equal(1, Runs.Value);
    }

    [Fact]
    public async Task A_retry_while_the_first_attempt_runs_is_409_with_retry_after_and_later_replays()
    {
        var gate = _host.Services.GetRequiredService<Gate>();
        var first = Send(SampleFunctions.SlowMethod, "/api/slow", "alice", "key-1");
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);

        var concurrent = await Send(SampleFunctions.SlowMethod, "/api/slow", "alice", "key-1");
        gate.Open();
        var completed = await first;
        var retry = await Send(SampleFunctions.SlowMethod, "/api/slow", "alice", "key-1");

        Assert.Equal(409, concurrent.Status);
        Assert.Equal("https://healthserverless.city/problems/idempotency-request-in-progress", concurrent.Json.GetProperty("type").GetString());
        Assert.InRange(int.Parse(concurrent.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(202, completed.Status);
        Assert.Equal(202, retry.Status);
        Assert.Equal("/api/slow/1", retry.Headers.Location.ToString());
        Assert.Equal(1, Runs.Value);
    }

    [Fact]
    public async Task An_attempt_that_died_holds_its_key_only_for_the_lease()
    {
        await _host.SendAsync(SampleFunctions.CreateThingMethod, "POST", "/api/things", Token("alice"), Body, Key("key-1"), complete: false);

        var during = await Create("alice", "key-1", Body);
        _host.Time.Advance(IdempotencyMiddleware.Lease + TimeSpan.FromSeconds(1));
        var after = await Create("alice", "key-1", Body);
        var replay = await Create("alice", "key-1", Body);

        Assert.Equal(409, during.Status);
        Assert.Equal(201, after.Status);
        Assert.Equal(2, Runs.Value);
        Assert.Equal(after.Text, replay.Text);
    }

    [Fact]
    public async Task After_the_retention_period_a_key_runs_afresh()
    {
        await Create("alice", "key-1", Body);
        _host.Time.Advance(IdempotencyMiddleware.Retention + TimeSpan.FromMinutes(1));

        var later = await Create("alice", "key-1", """{"name":"Han Meimei"}""");

        Assert.Equal(201, later.Status);
        Assert.False(later.Headers.ContainsKey(IdempotencyMiddleware.ReplayedHeaderName));
        Assert.Equal(2, Runs.Value);
    }

    [Fact]
    public async Task Logs_carry_neither_keys_nor_bodies_nor_tokens()
    {
        var token = Token("alice");
        await _host.SendAsync(SampleFunctions.CreateThingMethod, "POST", "/api/things", token, Body, Key("very-private-key"));
        await _host.SendAsync(SampleFunctions.CreateThingMethod, "POST", "/api/things", token, Body, Key("very-private-key"));

        Assert.DoesNotContain(_host.Logs.Lines, line =>
            line.Contains("very-private-key", StringComparison.Ordinal) || line.Contains("Li Lei", StringComparison.Ordinal) || line.Contains(token, StringComparison.Ordinal));
    }

    private string Token(string subject) => _host.Token(subject, [Roles.Citizen]);

    private static Action<Microsoft.AspNetCore.Http.HttpRequest>? Key(string? key) =>
        key is null ? null : r => r.Headers[IdempotencyMiddleware.HeaderName] = key;

    private Task<TestResponse> Create(string subject, string? key, string body) =>
        _host.SendAsync(SampleFunctions.CreateThingMethod, "POST", "/api/things", Token(subject), body, Key(key));

    private Task<TestResponse> Send(System.Reflection.MethodInfo function, string path, string subject, string key) =>
        _host.SendAsync(function, "POST", path, Token(subject), "{}", Key(key));
}
