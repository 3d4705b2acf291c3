namespace HealthServerless.Core.Licensing;

/// <summary>Licensing rules (section <c>Licensing</c>): time limits, attachment limits. The working-day calendar is shared (<see cref="Common.BusinessCalendarOptions"/>).</summary>
public sealed class LicensingOptions
{
    public const string Section = "Licensing";

    /// <summary>Per application type (its enum name), time limits that replace the statutory defaults.</summary>
    public Dictionary<string, StepDeadlines> Deadlines { get; set; } = [];

    /// <summary>Share of a step's time limit after which the deciders are reminded.</summary>
    public double ReminderShare { get; set; } = 0.8;

    /// <summary>The attachment size limit unless configured: 10 MiB.</summary>
    public const long DefaultMaxAttachmentBytes = 10 * 1024 * 1024;

    /// <summary>The attachment types accepted unless configured: PDF, JPEG and PNG.</summary>
    public static IReadOnlyList<string> DefaultAttachmentContentTypes { get; } = ["application/pdf", "image/jpeg", "image/png"];

    public long MaxAttachmentBytes { get; set; } = DefaultMaxAttachmentBytes;

    /// <summary>Attachment types accepted; empty means <see cref="DefaultAttachmentContentTypes"/>.</summary>
    public List<string> AttachmentContentTypes { get; set; } = [];

    public int CertificateValidityYears { get; set; } = 5;

    public IReadOnlyList<string> AllowedContentTypes => AttachmentContentTypes.Count > 0 ? AttachmentContentTypes : DefaultAttachmentContentTypes;

    public StepDeadlines DeadlinesFor(ApplicationTypeRule rule) =>
        Deadlines.TryGetValue(rule.Type.ToString(), out var configured) ? configured : rule.DefaultDeadlines;
}
