using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Functions.Tests.Platform.Auth;

public sealed class LocalTokenIssuerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-issuer-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private string KeyFile => Path.Combine(_folder, "keys", "local-issuer.json");

    [Fact]
    public void The_key_is_created_on_first_use_readable_by_its_owner_only()
    {
        var issuer = Issuer();
        Assert.False(File.Exists(KeyFile));

        issuer.Mint("alice", [Roles.Citizen], null, TimeSpan.FromMinutes(5));

        Assert.True(File.Exists(KeyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task A_second_process_reuses_the_key_so_tokens_survive_a_restart()
    {
        var token = Issuer().Mint("alice", [Roles.Citizen], null, TimeSpan.FromMinutes(5));

        var validator = new BearerTokenValidator(Issuer(), Options.Create(new AuthOptions { LocalKeyFile = KeyFile }), _time, NullLogger<BearerTokenValidator>.Instance);
        var user = await validator.ValidateAsync(token, TestContext.Current.CancellationToken);

        Assert.NotNull(user);
        Assert.Equal("alice", user.ToCaller()!.Subject);
        Assert.True(user.ToCaller()!.IsInRole(Roles.Citizen));
    }

    [Fact]
    public void Unknown_roles_and_scope_claims_are_refused_when_minting()
    {
        Assert.Throws<ArgumentException>(() => Issuer().Mint("alice", ["superuser"], null, TimeSpan.FromMinutes(5)));
        Assert.Throws<ArgumentException>(() => Issuer().Mint("alice", [Roles.Citizen], new Dictionary<string, string> { ["tenant"] = "x" }, TimeSpan.FromMinutes(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Issuer().Mint("alice", [Roles.Citizen], null, TimeSpan.Zero));
    }

    [Fact]
    public void Tokens_carry_issuer_audience_roles_and_scopes()
    {
        var token = Issuer().Mint("ph-svc", [Roles.Pharmacy], new Dictionary<string, string> { [ScopeClaims.PharmacyId] = "ph-7" }, TimeSpan.FromMinutes(5));
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);

        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(LocalTokenIssuer.Issuer, jwt.Issuer);
        Assert.Equal([LocalTokenIssuer.DefaultAudience], jwt.Audiences);
        Assert.Equal("ph-7", jwt.GetPayloadValue<string>(ScopeClaims.PharmacyId));
        Assert.Equal(["pharmacy"], jwt.GetPayloadValue<string[]>(ScopeClaims.Roles));
        Assert.Equal(_time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(), new DateTimeOffset(jwt.ValidTo).ToUnixTimeSeconds());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private LocalTokenIssuer Issuer() => new(Options.Create(new AuthOptions { LocalKeyFile = KeyFile }), _time, new ConfigurationBuilder().Build());
}
