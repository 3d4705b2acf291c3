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

    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Attachment types accepted; empty means PDF, JPEG and PNG.</summary>
    public List<string> AttachmentContentTypes { get; set; } = [];

    public int CertificateValidityYears { get; set; } = 5;

    public IReadOnlyList<string> AllowedContentTypes => AttachmentContentTypes.Count > 0 ? AttachmentContentTypes : ["application/pdf", "image/jpeg", "image/png"];

    public StepDeadlines DeadlinesFor(ApplicationTypeRule rule) =>
        Deadlines.TryGetValue(rule.Type.ToString(), out var configured) ? configured : rule.DefaultDeadlines;
}
