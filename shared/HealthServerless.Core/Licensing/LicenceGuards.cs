using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Licensing;

/// <summary>
/// One licence of a type per licensee (a qualification number, an institution's credit code):
/// a guard document per type and holder key names the application that holds it, created if
/// absent when an application is submitted. The store has no multi-document transactions, so
/// the guard is the one document every submission for that licensee must write first. It is
/// released when the holding application is rejected, and taken over when the holder is
/// rejected or its certificate is revoked or expired.
/// </summary>
public sealed class LicenceGuards(IDocumentStore store, ApplicationRecords applications, TimeProvider time)
{
    private sealed record GuardRecord(string Number);

    public async Task TakeAsync(ApplicationRecord application, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        var partition = Partition(application);
        var guard = new GuardRecord(application.Number);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if ((await store.CreateAsync(LicensingContainers.Guards, partition, LicensingContainers.GuardId, guard, cancellationToken)).Succeeded)
            {
                return;
            }

            var held = await store.ReadAsync<GuardRecord>(LicensingContainers.Guards, partition, LicensingContainers.GuardId, cancellationToken);
            if (held is null)
            {
                continue; // Released meanwhile: try to create it again.
            }

            if (held.Value.Number == application.Number)
            {
                return;
            }

            await RefuseIfStillHeldAsync(held.Value.Number, cancellationToken);
            if ((await store.ReplaceAsync(LicensingContainers.Guards, partition, LicensingContainers.GuardId, guard, held.ETag, cancellationToken)).Succeeded)
            {
                return;
            }
        }

        throw DomainException.Conflict("duplicate-application", "Another application for this licence is being submitted; try again.");
    }

    /// <summary>A rejected application gives its guard back, so the licensee can apply again.</summary>
    public async Task ReleaseAsync(ApplicationRecord application, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        var partition = Partition(application);
        var held = await store.ReadAsync<GuardRecord>(LicensingContainers.Guards, partition, LicensingContainers.GuardId, cancellationToken);
        if (held?.Value.Number == application.Number)
        {
            await store.DeleteAsync(LicensingContainers.Guards, partition, LicensingContainers.GuardId, held.ETag, cancellationToken);
        }
    }

    private async Task RefuseIfStillHeldAsync(string holderNumber, CancellationToken cancellationToken)
    {
        var holder = (await applications.ReadAsync(holderNumber, cancellationToken)).Value;
        if (!holder.IsClosed)
        {
            // A draft holding the guard is a submission in flight: it is open too.
            throw DomainException.Conflict("duplicate-application", $"Application {holder.Number} for this licence is still open.");
        }

        if (holder.CertificateNumber is { } number
            && await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, cancellationToken) is { } certificate
            && certificate.Value.Status is CertificateStatus.Active or CertificateStatus.Suspended
            && certificate.Value.Content.ValidUntil >= BusinessTime.Today(time.GetUtcNow()))
        {
            throw DomainException.Conflict("duplicate-application", $"Certificate {number} for this licence is still valid.");
        }
    }

    private static string Partition(ApplicationRecord application) =>
        LicensingContainers.GuardPartition(application.Type, application.HolderKey.ToUpperInvariant());
}
