using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;

namespace HealthServerless.Core.Tests.Licensing;

public sealed class CertificateAndRegistryTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly LicensingWorld _world = new();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    private async Task<CertificateContent> LicensedPhysicianAsync(string name = "张三", string qualification = "Q110000001")
    {
        var app = await _world.SubmittedPhysicianAsync(fields: LicensingWorld.PhysicianFields(name, qualification));
        await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve);
        await _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Approval, DecisionOutcome.Approve);
        var certificate = await _world.Certificates.IssueAsync(app.Number);
        var record = await _world.Certificates.GetAsync(certificate.Number);
        await _world.Registry.PublishAsync(record.Content, record.Status);
        await _world.Steps.CloseAsync(app.Number);
        return certificate;
    }

    [Fact]
    public async Task An_approved_application_gets_one_signed_certificate_stored_as_a_blob()
    {
        var certificate = await LicensedPhysicianAsync();
        var again = await _world.Certificates.IssueAsync(certificate.ApplicationNumber, Ct);
        var application = await _world.Queries.GetAsync(LicensingWorld.Applicant, certificate.ApplicationNumber, Ct);

        Assert.Equal(certificate, again);
        Assert.StartsWith("PHY-", certificate.Number, StringComparison.Ordinal);
        Assert.Equal("张三", certificate.HolderName);
        Assert.Equal(new DateOnly(2026, 11, 24), certificate.ValidFrom);
        Assert.Equal(new DateOnly(2031, 11, 23), certificate.ValidUntil);
        Assert.Equal(ApplicationStatus.Licensed, application.Status);
        Assert.Equal(certificate.Number, application.CertificateNumber);
        Assert.Contains(_world.Blobs.Items.Keys, k => k == $"{LicensingBlobContainers.Certificates}/{certificate.Number}.json");
    }

    [Fact]
    public async Task A_certificate_cannot_be_issued_before_approval()
    {
        var app = await _world.SubmittedPhysicianAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Certificates.IssueAsync(app.Number, Ct));

        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task Anyone_can_verify_by_number_or_signed_payload_and_tampering_is_detected()
    {
        var certificate = await LicensedPhysicianAsync();
        var signed = (await _world.Certificates.GetAsync(certificate.Number, Ct)).SignedToken;
        var parts = signed.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1])));
        var forged = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("Internal medicine", "Surgery", StringComparison.Ordinal))).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];

        var byNumber = await _world.Certificates.VerifyNumberAsync(certificate.Number, Ct);
        var bySignature = await _world.Certificates.VerifyTokenAsync(signed, Ct);
        var tampered = await _world.Certificates.VerifyTokenAsync(forged, Ct);
        var unknown = await _world.Certificates.VerifyNumberAsync("PHY-NOPE", Ct);

        Assert.True(byNumber.Valid);
        Assert.Equal(certificate, byNumber.Certificate);
        Assert.True(bySignature.Valid);
        Assert.Equal(CertificateCheck.SignatureInvalid, tampered.Result);
        Assert.False(tampered.Valid);
        Assert.Equal(CertificateCheck.NotFound, unknown.Result);
    }

    [Fact]
    public async Task Suspension_and_revocation_show_at_once_in_verification_and_the_registry()
    {
        var certificate = await LicensedPhysicianAsync();

        var suspended = await _world.StatusChanges.ChangeAsync(LicensingWorld.Admin, certificate.Number, CertificateStatus.Suspended, "Under investigation", Ct);
        var whileSuspended = await _world.Certificates.VerifyNumberAsync(certificate.Number, Ct);
        var registryWhileSuspended = await _world.Registry.SearchAsync(RegistryKind.Physician, null, certificate.Number, null, Ct);
        var revoked = await _world.StatusChanges.ChangeAsync(LicensingWorld.Admin, certificate.Number, CertificateStatus.Revoked, "Licence withdrawn", Ct);
        var reinstate = await Assert.ThrowsAsync<DomainException>(() => _world.StatusChanges.ChangeAsync(LicensingWorld.Admin, certificate.Number, CertificateStatus.Active, "Oops", Ct));
        var notAdmin = await Assert.ThrowsAsync<DomainException>(() => _world.StatusChanges.ChangeAsync(LicensingWorld.Approver, certificate.Number, CertificateStatus.Suspended, "No", Ct));

        Assert.Equal(CertificateCheck.Suspended, whileSuspended.Result);
        Assert.False(whileSuspended.Valid);
        Assert.Equal(CertificateStatus.Suspended, Assert.Single(registryWhileSuspended).Status);
        Assert.Equal(CertificateCheck.Revoked, (await _world.Certificates.VerifyNumberAsync(certificate.Number, Ct)).Result);
        Assert.Equal(CertificateStatus.Revoked, Assert.Single(await _world.Registry.SearchAsync(RegistryKind.Physician, "张三", null, null, Ct)).Status);
        Assert.Equal(DomainErrorKind.Conflict, reinstate.Kind);
        Assert.Equal(DomainErrorKind.Forbidden, notAdmin.Kind);
        Assert.Equal(["Suspended", "Revoked"], revoked.StatusHistory.Select(s => s.Status.ToString()));
    }

    [Fact]
    public async Task The_registry_finds_physicians_by_name_licence_number_or_institution_with_public_fields_only()
    {
        var zhang = await LicensedPhysicianAsync("张三", "Q110000001");
        await LicensedPhysicianAsync("李四", "Q110000002");

        var byName = await _world.Registry.SearchAsync(RegistryKind.Physician, " 张 三 ", null, null, Ct);
        var byLicence = await _world.Registry.SearchAsync(RegistryKind.Physician, null, zhang.Number.ToLowerInvariant(), null, Ct);
        var byInstitution = await _world.Registry.SearchAsync(RegistryKind.Physician, null, null, "北京协和医院", Ct);
        var nurses = await _world.Registry.SearchAsync(RegistryKind.Nurse, "张三", null, null, Ct);
        var noTerm = await Assert.ThrowsAsync<DomainException>(() => _world.Registry.SearchAsync(RegistryKind.Physician, null, " ", null, Ct));

        Assert.Equal(zhang.Number, Assert.Single(byName).LicenceNumber);
        Assert.Equal("张三", Assert.Single(byLicence).Name);
        Assert.Equal(2, byInstitution.Count);
        Assert.Empty(nurses);
        Assert.Equal(DomainErrorKind.Validation, noTerm.Kind);
        var json = System.Text.Json.JsonSerializer.Serialize(byInstitution);
        Assert.DoesNotContain("Q11000000", json, StringComparison.Ordinal); // The qualification number stays out of public view.
    }

    private static string Pad(string b64url)
    {
        var s = b64url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
