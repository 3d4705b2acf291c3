using HealthServerless.Core.Common;

namespace HealthServerless.Core.Licensing;

/// <summary>
/// An administrator suspends, reinstates or revokes a certificate: the certificate first (it
/// decides), then the public registry's view of it. A retry after a failure between the two
/// finds the certificate already changed and brings the registry in line.
/// </summary>
public sealed class CertificateStatusChanges(CertificateService certificates, PublicRegistry registry)
{
    public async Task<CertificateRecord> ChangeAsync(Caller caller, string number, CertificateStatus target, string reason, CancellationToken cancellationToken = default)
    {
        var record = await certificates.SetStatusAsync(caller, number, target, reason, cancellationToken);
        await registry.SetStatusAsync(record.Content, record.Status, cancellationToken);
        return record;
    }
}
