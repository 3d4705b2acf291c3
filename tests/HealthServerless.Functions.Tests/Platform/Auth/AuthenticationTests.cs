using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthServerless.Functions.Tests.Platform.Auth;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private static readonly string[] AdminRole = [Roles.Admin];
    private PlatformHarness _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = PlatformHarness.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_request_without_a_token_is_401_problem_with_a_bearer_challenge()
    {
        var response = await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me");

        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("application/problem+json; charset=utf-8", response.ContentType);
        Assert.Equal("https://healthserverless.city/problems/unauthorized", response.Json.GetProperty("type").GetString());
        Assert.Equal("/api/me", response.Json.GetProperty("instance").GetString());
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-jwt")]
    public async Task Other_schemes_and_garbage_are_401(string authorization)
    {
        var response = await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me",
            configure: r => r.Headers.Authorization = authorization);

        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task A_valid_token_reaches_the_function_with_its_caller_and_scopes()
    {
        var token = _host.Token("bob", [Roles.Staff, Roles.Reviewer], new Dictionary<string, string> { [ScopeClaims.InstitutionId] = "inst-1" });

        var response = await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token);

        Assert.Equal(200, response.Status);
        Assert.Equal("bob", response.Json.GetProperty("subject").GetString());
        Assert.Equal(["reviewer", "staff"], response.Json.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("inst-1", response.Json.GetProperty("institutionId").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_401_invalid_token()
    {
        var token = _host.Token("alice", [Roles.Citizen], lifetime: TimeSpan.FromMinutes(5));
        _host.Time.Advance(TimeSpan.FromMinutes(6));

        var response = await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token);

        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WWWAuthenticate.ToString());
        Assert.DoesNotContain(_host.Logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_within_the_clock_skew_still_passes()
    {
        var token = _host.Token("alice", [Roles.Citizen], lifetime: TimeSpan.FromMinutes(5));
        _host.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10));

        Assert.Equal(200, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token)).Status);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_401()
    {
        var otherKey = Path.Combine(_host.Folder, "other", "key.json");
        var forger = new LocalTokenIssuer(Options.Create(new AuthOptions { LocalKeyFile = otherKey }), _host.Time, _host.Services.GetRequiredService<IConfiguration>());
        var forged = forger.Mint("mallory", [Roles.Admin], null, TimeSpan.FromMinutes(5));

        Assert.Equal(401, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", forged)).Status);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401()
    {
        var keyFile = _host.Services.GetRequiredService<IOptions<AuthOptions>>().Value.LocalKeyFile;
        var otherApi = new LocalTokenIssuer(Options.Create(new AuthOptions { LocalKeyFile = keyFile, Audience = "api://someone-else" }), _host.Time, _host.Services.GetRequiredService<IConfiguration>());
        var token = otherApi.Mint("alice", [Roles.Citizen], null, TimeSpan.FromMinutes(5));

        Assert.Equal(401, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token)).Status);
    }

    [Fact]
    public async Task A_token_from_another_issuer_with_the_right_key_is_401()
    {
        var token = SignWithLocalKey(new SecurityTokenDescriptor { Issuer = "someone-else", Audience = LocalTokenIssuer.DefaultAudience });

        Assert.Equal(401, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token)).Status);
    }

    [Fact]
    public async Task An_unsigned_token_is_401()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = LocalTokenIssuer.Issuer,
            Audience = LocalTokenIssuer.DefaultAudience,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["roles"] = AdminRole },
        });

        Assert.Equal(401, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", unsigned)).Status);
    }

    [Fact]
    public async Task A_token_without_a_subject_is_401()
    {
        var token = SignWithLocalKey(new SecurityTokenDescriptor { Issuer = LocalTokenIssuer.Issuer, Audience = LocalTokenIssuer.DefaultAudience });

        Assert.Equal(401, (await _host.SendAsync(SampleFunctions.WhoAmIMethod, "GET", "/api/me", token)).Status);
    }

    [Fact]
    public async Task Roles_as_one_string_claim_are_understood()
    {
        var token = SignWithLocalKey(new SecurityTokenDescriptor
        {
            Issuer = LocalTokenIssuer.Issuer,
            Audience = LocalTokenIssuer.DefaultAudience,
            Claims = new Dictionary<string, object> { ["sub"] = "bob", ["roles"] = "staff", [ScopeClaims.InstitutionId] = "inst-1" },
        });

        Assert.Equal(204, (await _host.SendAsync(SampleFunctions.StaffOnlyMethod, "GET", "/api/institutions/inst-1/records", token)).Status);
    }

    [Fact]
    public async Task A_caller_without_the_role_is_403_problem()
    {
        var token = _host.Token("alice", [Roles.Citizen]);

        var response = await _host.SendAsync(SampleFunctions.StaffOnlyMethod, "GET", "/api/institutions/inst-1/records", token);

        Assert.Equal(403, response.Status);
        Assert.Equal("https://healthserverless.city/problems/forbidden", response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Staff_of_another_institution_are_403_from_the_scope_check()
    {
        var token = _host.Token("carol", [Roles.Staff], new Dictionary<string, string> { [ScopeClaims.InstitutionId] = "inst-2" });

        var response = await _host.SendAsync(SampleFunctions.StaffOnlyMethod, "GET", "/api/institutions/inst-1/records", token);

        Assert.Equal(403, response.Status);
        Assert.Equal("institution-scope", response.Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_anonymous_function_needs_no_token()
    {
        Assert.Equal(200, (await _host.SendAsync(SampleFunctions.PublicMethod, "GET", "/api/public")).Status);
    }

    [Fact]
    public async Task A_function_without_an_access_attribute_is_500_and_logged_even_with_a_valid_token()
    {
        var response = await _host.SendAsync(SampleFunctions.ForgottenMethod, "GET", "/api/forgotten", _host.Token("root", [Roles.Admin]));

        Assert.Equal(500, response.Status);
        Assert.DoesNotContain("leaked", response.Text, StringComparison.Ordinal);
        Assert.Contains(_host.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("Forgotten", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_misspelt_role_is_a_misconfiguration_not_a_lockout()
    {
        var response = await _host.SendAsync(SampleFunctions.TypoMethod, "GET", "/api/typo", _host.Token("alice", [Roles.Citizen]));

        Assert.Equal(500, response.Status);
        Assert.Equal(AccessKind.Misconfigured, FunctionAccess.For(SampleFunctions.TypoMethod).Kind);
    }

    private string SignWithLocalKey(SecurityTokenDescriptor descriptor)
    {
        var keyFile = _host.Services.GetRequiredService<IOptions<AuthOptions>>().Value.LocalKeyFile;
        _host.Services.GetRequiredService<LocalTokenIssuer>().Mint("warm-up", [Roles.Citizen], null, TimeSpan.FromMinutes(1));
        var key = new JsonWebKey(File.ReadAllText(keyFile));
        var now = _host.Time.GetUtcNow().UtcDateTime;
        descriptor.IssuedAt = now;
        descriptor.NotBefore = now;
        descriptor.Expires = now.AddMinutes(5);
        descriptor.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
