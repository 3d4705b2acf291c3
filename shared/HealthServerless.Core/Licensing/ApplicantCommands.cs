using System.Security.Cryptography;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Licensing;

/// <summary>What an applicant does: start a draft, attach documents, submit, and resubmit when documents were requested.</summary>
public sealed class ApplicantCommands(
    IDocumentStore store, ApplicationRecords applications, LicenceGuards guards, IDocumentBlobs blobs, IOptions<LicensingOptions> options, TimeProvider time)
{
    private readonly LicensingOptions _options = options.Value;

    public async Task<ApplicationView> CreateAsync(Caller caller, ApplicationType type, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Citizen, Roles.Staff);
        var rule = LicenceTypes.For(type);
        var clean = ValidateFields(rule, fields);
        var now = time.GetUtcNow();
        var number = $"LA{BusinessTime.Today(now):yyyyMMdd}{Convert.ToHexString(RandomNumberGenerator.GetBytes(5))}";
        var record = new ApplicationRecord(
            number, type, caller.Subject, caller.ResidentCodeId ?? caller.Subject, clean, [], ApplicationStatus.Draft, null, 0, [],
            null, null, null, null, string.Empty, now, null, null,
            [new HistoryEntry(now, caller.Subject, "Created", null, null, null, 0)]);
        var created = await store.CreateAsync(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, record, cancellationToken);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("A fresh application number was already taken.");
        }

        await applications.AuditAsync(record, 0, cancellationToken);
        return ApplicationView.From(record);
    }

    /// <summary>Stores an attachment in Blob Storage (create-only, named by its SHA-256) and lists it on the application.</summary>
    public async Task<AttachmentView> AttachAsync(Caller caller, string number, string kind, ReadOnlyMemory<byte> content, string? contentType, CancellationToken cancellationToken = default)
    {
        var application = await applications.ReadAsync(number, cancellationToken);
        ApplicationRecords.RequireApplicant(caller, application.Value);
        if (application.Value.Status is not (ApplicationStatus.Draft or ApplicationStatus.AwaitingDocuments))
        {
            throw DomainException.Conflict("attachments-closed", "Documents can be added to a draft or when documents were requested.");
        }

        if (!application.Value.Rule.RequiredDocuments.Contains(kind))
        {
            throw DomainException.Validation("unknown-document-kind", "This application type takes no document of that kind.", "kind",
                "One of " + string.Join(", ", application.Value.Rule.RequiredDocuments) + ".");
        }

        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !_options.AllowedContentTypes.Contains(mediaType))
        {
            throw new DomainException(DomainErrorKind.Validation, "attachment-type-not-allowed", "This type of file is not accepted.",
                new Dictionary<string, string[]> { ["Content-Type"] = ["One of " + string.Join(", ", _options.AllowedContentTypes) + "."] });
        }

        if (content.IsEmpty || content.Length > _options.MaxAttachmentBytes)
        {
            throw DomainException.Validation("attachment-size", "The file is empty or too large.", "body", $"1 to {_options.MaxAttachmentBytes} bytes.");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var blobName = $"{number}/{kind}/{sha256}";
        // Named by content: the same file sent twice is the same blob; a different file is a new blob.
        await blobs.CreateAsync(LicensingBlobContainers.Attachments, blobName, content, mediaType, cancellationToken);
        var now = time.GetUtcNow();
        var attachment = new AttachmentRecord(kind, blobName, mediaType, content.Length, sha256, caller.Subject, now);
        var updated = await applications.UpdateAsync(number, current =>
        {
            if (current.Attachments.Any(a => a.BlobName == blobName))
            {
                return null;
            }

            if (current.Status is not (ApplicationStatus.Draft or ApplicationStatus.AwaitingDocuments))
            {
                throw DomainException.Conflict("attachments-closed", "Documents can be added to a draft or when documents were requested.");
            }

            return current with { Attachments = [.. current.Attachments, attachment] };
        }, cancellationToken);
        var stored = updated.Attachments.First(a => a.BlobName == blobName);
        return new AttachmentView(stored.Kind, stored.ContentType, stored.Size, stored.Sha256, stored.UploadedAt);
    }

    /// <summary>
    /// Submits a complete draft: it is then waiting for a reviewer at once, so a decision sent
    /// the moment the orchestration starts is valid and waits in its queue. Submitting twice is
    /// harmless. Refused while the licensee has an open application or a valid certificate of this type.
    /// </summary>
    /// <param name="orchestration">The versioned orchestration that will run it (recorded: instances finish on the version they began with).</param>
    public async Task<ApplicationView> SubmitAsync(Caller caller, string number, string orchestration, CancellationToken cancellationToken = default)
    {
        var application = await applications.ReadAsync(number, cancellationToken);
        ApplicationRecords.RequireApplicant(caller, application.Value);
        if (application.Value.Status != ApplicationStatus.Draft)
        {
            return ApplicationView.From(application.Value);
        }

        RequireComplete(application.Value);
        await guards.TakeAsync(application.Value, cancellationToken);
        var deadlines = _options.DeadlinesFor(application.Value.Rule);
        var now = time.GetUtcNow();
        var before = application.Value;
        var after = await applications.UpdateAsync(number, current =>
        {
            if (current.Status != ApplicationStatus.Draft)
            {
                return null;
            }

            RequireComplete(current);
            var clocks = new[] { LicensingStep.Review, LicensingStep.Inspection, LicensingStep.Approval }
                .Where(s => s != LicensingStep.Inspection || current.Rule.NeedsInspection)
                .Select(s => new StepClock(s, WorkingDayCalendar.WorkingDays(deadlines.For(s)), TimeSpan.Zero, 0, null, null, null, false, false));
            return current.Append(new HistoryEntry(now, caller.Subject, "Submitted", LicensingStep.Review, null, null, 1)) with
            {
                Status = ApplicationStatus.UnderReview,
                WaitingFor = LicensingStep.Review,
                Seq = 1,
                SubmittedAt = now,
                Clocks = [.. clocks],
                Orchestration = orchestration,
            };
        }, cancellationToken);
        await applications.AfterChangeAsync(before, after, cancellationToken);
        return ApplicationView.From(after);
    }

    /// <summary>The applicant sends the requested documents; the review clock starts again.</summary>
    public async Task<DecisionResult> ResubmitAsync(Caller caller, string number, string decisionId, CancellationToken cancellationToken = default)
    {
        var application = await applications.ReadAsync(number, cancellationToken);
        ApplicationRecords.RequireApplicant(caller, application.Value);
        return await applications.TransitionAsync(caller, number, LicensingStep.Resubmission, DecisionOutcome.Resubmit, null, decisionId, cancellationToken);
    }

    private static void RequireComplete(ApplicationRecord application)
    {
        var missing = application.MissingDocuments;
        if (missing.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Unprocessable, "application-incomplete", "Required documents are missing.",
                new Dictionary<string, string[]> { ["attachments"] = [.. missing] });
        }
    }

    private static Dictionary<string, string> ValidateFields(ApplicationTypeRule rule, IReadOnlyDictionary<string, string> fields)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in fields.Keys.Where(k => rule.Field(k) is null))
        {
            errors["fields." + name] = ["Unknown field for this application type."];
        }

        var clean = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in rule.Fields)
        {
            var value = fields.TryGetValue(field.Name, out var v) ? v?.Trim() : null;
            if (string.IsNullOrEmpty(value))
            {
                errors["fields." + field.Name] = ["Required."];
            }
            else if (value.Length > field.MaxLength)
            {
                errors["fields." + field.Name] = [$"At most {field.MaxLength} characters."];
            }
            else
            {
                clean[field.Name] = value;
            }
        }

        return errors.Count > 0 ? throw DomainException.Validation("invalid-application", "The application form is not valid.", errors) : clean;
    }
}
