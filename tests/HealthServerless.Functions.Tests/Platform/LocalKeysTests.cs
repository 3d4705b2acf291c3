using HealthServerless.Core.Identity;
using HealthServerless.Functions.Identity;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Licensing;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Tests.Platform;

/// <summary>Keys are generated into a local file on one machine only; on Azure missing keys stop the app.</summary>
public sealed class LocalKeysTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private IConfiguration Configuration(bool onAzure) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["WEBSITE_SITE_NAME"] = onAzure ? "hs-prod-api" : null,
        ["Licensing:LocalKeyFile"] = Path.Combine(_folder, "licensing.json"),
        ["Identity:LocalKeyFile"] = Path.Combine(_folder, "identity.json"),
    }).Build();

    [Fact]
    public void On_Azure_a_missing_certificate_signing_key_stops_the_app_instead_of_generating_one()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LicensingKeySettings.CreateSigner(Configuration(onAzure: true)));

        Assert.Contains("Licensing:CertificateSigningKeys", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public void On_Azure_missing_identity_keys_stop_the_app_instead_of_generating_them()
    {
        using var services = new ServiceCollection().AddIdentityFunctions(Configuration(onAzure: true)).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IdentityKeyRing>());

        Assert.Contains("Identity:LookupKey", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task On_Azure_the_local_token_issuer_makes_no_key_and_signs_or_trusts_no_token()
    {
        var issuer = new LocalTokenIssuer(
            Options.Create(new AuthOptions { LocalKeyFile = Path.Combine(_folder, "local-issuer.json") }),
            TimeProvider.System,
            Configuration(onAzure: true));

        var minting = Assert.Throws<InvalidOperationException>(() => issuer.Mint("alice", [Roles.Citizen], null, TimeSpan.FromMinutes(5)));
        var validating = await Assert.ThrowsAsync<InvalidOperationException>(() => issuer.GetAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Auth:Authority", minting.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Authority", validating.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public void On_one_machine_the_local_token_issuer_makes_its_key_once()
    {
        var options = Options.Create(new AuthOptions { LocalKeyFile = Path.Combine(_folder, "local-issuer.json") });

        var token = new LocalTokenIssuer(options, TimeProvider.System, Configuration(onAzure: false)).Mint("alice", [Roles.Citizen], null, TimeSpan.FromMinutes(5));
        new LocalTokenIssuer(options, TimeProvider.System, Configuration(onAzure: false)).Mint("bob", [Roles.Citizen], null, TimeSpan.FromMinutes(5));

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(Path.Combine(_folder, "local-issuer.json"), Assert.Single(Directory.GetFiles(_folder)));
    }

    [Fact]
    public void On_one_machine_keys_are_generated_once_and_reused()
    {
        var configuration = Configuration(onAzure: false);

        var first = LicensingKeySettings.CreateSigner(configuration);
        var second = LicensingKeySettings.CreateSigner(configuration);

        Assert.True(File.Exists(Path.Combine(_folder, "licensing.json")));
        Assert.NotNull(second.Verify(first.Sign("certificate"u8.ToArray())));
    }

    [Fact]
    public async Task Hosts_starting_together_agree_on_one_generated_key()
    {
        var configuration = Configuration(onAzure: false);

        var signers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => LicensingKeySettings.CreateSigner(configuration), TestContext.Current.CancellationToken)));

        var token = signers[0].Sign("certificate"u8.ToArray());
        Assert.All(signers, signer => Assert.NotNull(signer.Verify(token)));
        Assert.Single(Directory.GetFiles(_folder));
    }
}
