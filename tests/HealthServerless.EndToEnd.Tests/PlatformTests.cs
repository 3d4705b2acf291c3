using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.EndToEnd.Tests;

/// <summary>Issue 4 through real HTTP: health, OpenAPI against functions.metadata, tokens, problem+json, idempotency.</summary>
public sealed class PlatformTests(AppHost app) : IClassFixture<AppHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_answers_anonymously_and_readiness_checks_the_store_and_the_storage_account()
    {
        using var http = app.Client();

        var live = await http.GetAsync("/api/health", Ct);
        var ready = await http.GetFromJsonAsync<JsonObject>("/api/health/ready", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (string?)ready!["status"]);
        Assert.True(ready["checks"]!.AsObject().Count >= 2);
        Assert.All(ready["checks"]!.AsObject(), check => Assert.Equal("Healthy", (string?)check.Value));
    }

    [Fact]
    public async Task The_openapi_document_lists_exactly_the_http_functions_of_functions_metadata()
    {
        using var http = app.Client();
        var document = await http.GetFromJsonAsync<JsonObject>("/api/openapi.json", Ct);
        var documented = document!["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(op => op.Key is "get" or "post" or "put" or "patch" or "delete").Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .ToHashSet();

        var served = FunctionMetadataFile.Read(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))
            .Select(f => f.Bindings.Single(b => b.IsTrigger))
            .Where(t => t.Type == "httpTrigger")
            .SelectMany(t => t.GetList("methods").Select(m => $"{m.ToUpperInvariant()} /api/{RouteTemplate(t.Get("route")!)}"))
            .ToHashSet();

        Assert.NotEmpty(served);
        Assert.Equal(served.Order(), documented.Order());
        Assert.Equal("3.1.1", (string?)document["openapi"]);
    }

    [Fact]
    public async Task The_served_openapi_document_is_read_by_microsoft_openapi_without_errors_or_warnings()
    {
        using var http = app.Client();
        await using var served = await http.GetStreamAsync("/api/openapi.json", Ct);

        // The reader also applies Microsoft.OpenApi's default validation rules.
        var (document, diagnostic) = await Microsoft.OpenApi.OpenApiDocument.LoadAsync(served, "json", cancellationToken: Ct);

        Assert.NotNull(diagnostic);
        Assert.Empty(diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(diagnostic.Warnings.Select(w => $"{w.Pointer}: {w.Message}"));
        Assert.Equal(Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.NotNull(document?.Paths["/api/health"]);
        Assert.True(document.Components?.SecuritySchemes?.ContainsKey("bearer"));
    }

    [Fact]
    public async Task A_preflight_from_the_portal_origin_allows_its_method_the_bearer_token_and_the_idempotency_key()
    {
        using var http = app.Client();

        using var response = await http.SendAsync(Preflight(AppHost.PortalOrigin, "/api/health-codes/verifications"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AppHost.PortalOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
        var headers = Header(response, "Access-Control-Allow-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("authorization", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("idempotency-key", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("content-type", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_request_from_the_portal_origin_may_be_read_by_the_portal_even_when_refused()
    {
        using var http = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health-codes");
        request.Headers.Add("Origin", AppHost.PortalOrigin);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(AppHost.PortalOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_foreign_origin_gets_no_cors_header_on_a_preflight_or_a_request()
    {
        const string Foreign = "https://phishing.example.com";
        using var http = app.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("Origin", Foreign);

        using var preflight = await http.SendAsync(Preflight(Foreign, "/api/health-codes/verifications"), Ct);
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var answer in new[] { preflight, response })
        {
            Assert.DoesNotContain(
                answer.Headers.Concat(answer.Content.Headers),
                h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task A_request_without_a_token_is_401_problem_json()
    {
        using var http = app.Client();

        var response = await http.GetAsync("/api/health-codes", Ct);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_forged_and_wrong_audience_tokens_are_401_and_a_wrong_role_is_403()
    {
        var keyFile = app.Settings["Auth:LocalKeyFile"]!;
        var past = new FakeTimeProvider(app.Time.GetUtcNow().AddHours(-3));
        var expired = Issuer(keyFile, "api://healthserverless", past).Mint("alice", ["citizen"], null, TimeSpan.FromHours(1));
        var forged = Issuer(Path.Combine(Path.GetTempPath(), "hs-forger-" + Guid.NewGuid().ToString("N"), "key.json"), "api://healthserverless", app.Time).Mint("alice", ["citizen"], null, TimeSpan.FromHours(1));
        var otherAudience = Issuer(keyFile, "api://someone-else", app.Time).Mint("alice", ["citizen"], null, TimeSpan.FromHours(1));
        var staffOnly = app.Token("alice", "citizen");

        foreach (var token in new[] { expired, forged, otherAudience, "not-a-jwt" })
        {
            using var http = app.Client(token);
            await AssertProblemAsync(await http.GetAsync("/api/health-codes", Ct), HttpStatusCode.Unauthorized);
        }

        using var citizen = app.Client(staffOnly);
        await AssertProblemAsync(await citizen.PostAsync("/api/health-codes/verifications", Json("""{"token":"0123456789abc"}"""), Ct), HttpStatusCode.Forbidden);
        using var valid = app.Client(app.Token("alice", "citizen"));
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/health-codes", Ct)).StatusCode);
    }

    [Fact]
    public async Task Unknown_fields_wrong_types_and_oversized_bodies_are_400_or_413_problem_json_with_fields()
    {
        using var http = app.Client(app.Token("bob", "citizen"));

        var unknown = await http.PostAsync("/api/residents", Json("""{"name":"李四","residentIdNumber":"11010519491231002X","mobile":"13800138000","relationship":"Self","extra":1}"""), Ct);
        var wrongType = await http.PostAsync("/api/residents", Json("""{"name":"李四","residentIdNumber":110105,"mobile":"13800138000","relationship":"Self"}"""), Ct);
        var huge = await http.PostAsync("/api/residents", Json("{\"name\":\"" + new string('x', 200_000) + "\"}"), Ct);

        var unknownProblem = await AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
        Assert.True(unknownProblem["errors"]!.AsObject().ContainsKey("extra"));
        var wrongTypeProblem = await AssertProblemAsync(wrongType, HttpStatusCode.BadRequest);
        Assert.True(wrongTypeProblem["errors"]!.AsObject().ContainsKey("residentIdNumber"));
        await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_response_and_a_different_body_is_422()
    {
        using var http = app.Client(app.Token("carol", "citizen"));
        var body = """{"name":"王五","residentIdNumber":"11010519491231002X","mobile":"13800138000","relationship":"Self"}""";

        var first = await Send(http, body, "reg-carol-1");
        var retry = await Send(http, body, "reg-carol-1");
        var reused = await Send(http, body.Replace("王五", "王六", StringComparison.Ordinal), "reg-carol-1");

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        Assert.True(retry.Headers.Contains("Idempotency-Replayed"));
        await AssertProblemAsync(reused, HttpStatusCode.UnprocessableEntity);

        async Task<HttpResponseMessage> Send(HttpClient client, string json, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/residents") { Content = Json(json) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request, Ct);
        }
    }

    private static LocalTokenIssuer Issuer(string keyFile, string audience, TimeProvider time) =>
        new(Options.Create(new AuthOptions { LocalKeyFile = keyFile, Audience = audience }), time, new ConfigurationBuilder().Build());

    private static HttpRequestMessage Preflight(string origin, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.StartsWith("https://", (string?)problem["type"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.DoesNotContain("Exception", problem.ToJsonString(), StringComparison.Ordinal);
        return problem;
    }

    private static string RouteTemplate(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, "\\{([^}:?]+)[^}]*\\}", "{$1}");
}
