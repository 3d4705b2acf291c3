using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;
using HealthServerless.Testing;

namespace HealthServerless.Core.Tests.Identity;

public sealed class ResidentRegistrationTests : IAsyncLifetime
{
    private readonly CoreWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Registering_the_same_person_twice_even_at_once_gives_one_code()
    {
        var request = new RegisterResident("张三", ResidentIds.Make(7), "13800138000", Relationship.Self, null);

        var views = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => _world.Registration.RegisterAsync(CoreWorld.Citizen("alice"), request, Ct), Ct)));

        Assert.Single(views.Select(v => v.CodeId).Distinct());
        var account = await _world.Store.ReadAsync<AccountRecord>(IdentityContainers.Accounts, "alice", "account", Ct);
        Assert.Equal(views[0].CodeId, account!.Value.SelfCodeId);
    }

    [Fact]
    public async Task The_id_number_is_encrypted_at_rest_and_masked_in_what_is_returned()
    {
        var number = ResidentIds.Make(8);

        var view = await _world.Registration.RegisterAsync(CoreWorld.Citizen("alice"), new RegisterResident("张三", number, "13800138000", Relationship.Self, null), Ct);

        Assert.Equal(number[..6] + "********" + number[^4..], view.IdNumberMasked);
        Assert.StartsWith("hc_", view.CodeId, StringComparison.Ordinal);
        var raw = await RawStoreTextAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", raw, StringComparison.Ordinal);
        ResidentId.TryParse(number, new DateOnly(2026, 11, 24), out var id);
        var resident = await _world.Store.ReadAsync<ResidentRecord>(IdentityContainers.Residents, _world.Keys.LookupHash(id!), "resident", Ct);
        Assert.Equal(number, _world.Keys.Decrypt(resident!.Value.IdNumber, "resident-id"));
    }

    [Fact]
    public async Task Another_account_cannot_claim_a_registered_resident()
    {
        var request = new RegisterResident("张三", ResidentIds.Make(9), "13800138000", Relationship.Self, null);
        await _world.Registration.RegisterAsync(CoreWorld.Citizen("alice"), request, Ct);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Registration.RegisterAsync(CoreWorld.Citizen("mallory"), request, Ct));

        Assert.Equal("resident-registered-elsewhere", refused.Code);
        Assert.Empty(await _world.Registration.ListAsync(CoreWorld.Citizen("mallory"), Ct));
    }

    [Fact]
    public async Task A_citizen_acts_for_up_to_five_family_members_each_with_their_own_code()
    {
        var alice = CoreWorld.Citizen("alice");
        await _world.Registration.RegisterAsync(alice, new RegisterResident("本人", ResidentIds.Make(100), "13800138000", Relationship.Self, null), Ct);
        for (var i = 1; i <= 5; i++)
        {
            await _world.Registration.RegisterAsync(alice, new RegisterResident("家人" + i, ResidentIds.Make(100 + i), "13800138000", i == 1 ? Relationship.Child : Relationship.Parent, null), Ct);
        }

        var sixth = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Registration.RegisterAsync(alice, new RegisterResident("第六", ResidentIds.Make(106), "13800138000", Relationship.Child, null), Ct));

        Assert.Equal("family-limit", sixth.Code);
        var codes = await _world.Registration.ListAsync(alice, Ct);
        Assert.Equal(6, codes.Count);
        Assert.Equal(6, codes.Select(c => c.CodeId).Distinct().Count());
    }

    [Fact]
    public async Task Invalid_input_names_every_bad_field()
    {
        var bad = new RegisterResident("", "110105194912310029", "12345", Relationship.Self, [new SupplementaryDocument(SupplementaryDocumentType.Passport, "E1")]);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Registration.RegisterAsync(CoreWorld.Citizen("alice"), bad, Ct));

        Assert.Equal(DomainErrorKind.Validation, refused.Kind);
        Assert.Equal(["documents[0].number", "mobile", "name", "residentIdNumber"], refused.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("110105194912310029", refused.Detail, StringComparison.Ordinal);
    }

    private async Task<string> RawStoreTextAsync()
    {
        // Read the file itself, every table and row: what an attacker with the disk would see.
        var text = new StringBuilder();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_world.Store.FilePath}");
        await connection.OpenAsync(Ct);
        foreach (var container in CoreContainers.All)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT pk || ' ' || id || ' ' || body FROM \"{container.Name}\"";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }
}
