namespace HealthServerless.Core.Licensing;

/// <summary>Licensing rules (section <c>Licensing</c>): the calendar, time limits, attachment limits.</summary>
public sealed class LicensingOptions
{
    public const string Section = "Licensing";

    /// <summary>Public holidays (Asia/Shanghai dates) as the State Council announces them each year.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Weekend days that are working days ("调休" make-up days).</summary>
    public List<DateOnly> MakeUpWorkdays { get; set; } = [];

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
