using System.Text.RegularExpressions;

namespace HealthServerless.Core.Notifications;

/// <summary>
/// A message's wording in Chinese (zh-CN): a title and a body with <c>{placeholders}</c>.
/// <see cref="Wording"/> turns a machine value into words (e.g. step <c>Review</c> → 审查), so
/// senders pass stable values and the catalogue owns the language.
/// </summary>
public sealed record NotificationTemplate(string Name, string Title, string Body, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Wording = null)
{
    public IReadOnlyList<string> Placeholders { get; } =
        [.. NotificationTemplates.PlaceholderPattern().Matches(Title + Body).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];
}

/// <summary>A message rendered for its recipient.</summary>
public sealed record RenderedNotification(string Template, string Title, string Body);

/// <summary>
/// Every message the app sends, declared once. Texts never hold a resident's name, ID number
/// or mobile number: they travel to the gateway and an SMS provider.
/// </summary>
public static partial class NotificationTemplates
{
    public const string BookingReminderEveningBefore = "booking-reminder-evening-before";
    public const string BookingReminderHourBefore = "booking-reminder-hour-before";
    public const string LicenceLicensed = "licence-licensed";
    public const string LicenceRejected = "licence-rejected";
    public const string LicenceStepReminder = "licence-step-reminder";
    public const string LicenceStepOverdue = "licence-step-overdue";
    public const string PrescriptionReturned = "prescription-returned";
    public const string PrescriptionReturnedToPhysician = "prescription-returned-to-physician";
    public const string DispensingChoose = "dispensing-choose";
    public const string DispensingChooseAgain = "dispensing-choose-again";
    public const string DispensingOffered = "dispensing-offered";
    public const string DispensingClaimed = "dispensing-claimed";
    public const string DispensingReturned = "dispensing-returned";
    public const string DispensingDispensed = "dispensing-dispensed";
    public const string DispensingCompleted = "dispensing-completed";
    public const string DispensingDispatched = "dispensing-dispatched";
    public const string DispensingDelivered = "dispensing-delivered";
    public const string DispensingCancelled = "dispensing-cancelled";
    public const string DispensingExpired = "dispensing-expired";
    public const string AlertRaised = "alert-raised";
    public const string AlertEscalated = "alert-escalated";
    public const string LatePaymentRefunded = "late-payment-refunded";

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StepWording =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["step"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Review"] = "材料审查",
                ["Resubmission"] = "补正材料",
                ["Inspection"] = "现场核查",
                ["Approval"] = "审批",
            },
        };

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ReturnReasonWording =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["reason"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["InappropriateDrug"] = "用药不适宜",
                ["DosageOrFrequency"] = "用法用量不适宜",
                ["Interaction"] = "存在药物相互作用",
                ["Contraindication"] = "存在禁忌",
                ["DuplicateTherapy"] = "重复用药",
                ["QuantityOrDuration"] = "用量或疗程不适宜",
                ["DiagnosisMismatch"] = "诊断与用药不符",
                ["IncompleteInformation"] = "处方信息不完整",
            },
        };

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> AlertWording =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["seriesKind"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["disease"] = "病种", ["syndrome"] = "症候群" },
            ["trigger"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["FixedThreshold"] = "固定阈值", ["MultiPoint"] = "多点触发" },
            ["level"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["District"] = "区级", ["City"] = "市级", ["Province"] = "省级" },
        };

    public static IReadOnlyDictionary<string, NotificationTemplate> All { get; } = new NotificationTemplate[]
    {
        new(BookingReminderEveningBefore, "就诊提醒",
            "您预约的{department}号源将于明天（{date}）{time}开始，就诊序号{visitNumber}。请携带有效证件按时到院签到。"),
        new(BookingReminderHourBefore, "就诊提醒",
            "您预约的{department}号源将于今天{time}开始，就诊序号{visitNumber}。请提前到院签到，如不能前往请及时取消。"),
        new(LicenceLicensed, "执业许可已批准",
            "您的执业许可申请{number}已获批准，电子证照编号{certificateNumber}。"),
        new(LicenceRejected, "执业许可未获批准",
            "您的执业许可申请{number}未获批准，请登录查看审查意见。"),
        new(LicenceStepReminder, "待办提醒",
            "执业许可申请{number}正在等待{step}，办理时限至{dueAt}，请及时处理。", StepWording),
        new(LicenceStepOverdue, "超期督办",
            "执业许可申请{number}的{step}已超过办理时限（{dueAt}），已升级督办。", StepWording),
        new(PrescriptionReturned, "处方正在调整",
            "您的电子处方{prescriptionId}经药师审核需要医生调整（{reason}），调整后将再次审核。", ReturnReasonWording),
        new(PrescriptionReturnedToPhysician, "处方被药师退回",
            "电子处方{prescriptionId}第{version}版被药师退回：{reason}。请修改后重新提交或作废。", ReturnReasonWording),
        new(DispensingChoose, "请选择取药方式",
            "您的电子处方{prescriptionId}已审核通过，请在{validUntil}前选择取药药店、就近医保定点药店或送药上门。"),
        new(DispensingChooseAgain, "请重新选择药店",
            "您的电子处方{prescriptionId}暂无药店接单，请在{validUntil}前重新选择取药药店或送药上门。"),
        new(DispensingOffered, "处方已发送药店",
            "您的电子处方{prescriptionId}已发送至{pharmacyName}，正在等待药店接单。"),
        new(DispensingClaimed, "药店已接单",
            "{pharmacyName}已接收您的电子处方{prescriptionId}，正在为您备药。"),
        new(DispensingReturned, "药店未能调配",
            "{pharmacyName}未能调配您的电子处方{prescriptionId}，系统将为您转至其他药店。"),
        new(DispensingDispensed, "药品已调配",
            "{pharmacyName}已调配您的电子处方{prescriptionId}中的药品。"),
        new(DispensingCompleted, "发药完成",
            "您的电子处方{prescriptionId}已由{pharmacyName}完成发药，电子凭证编号{receiptId}。"),
        new(DispensingDispatched, "药品已发出",
            "您的电子处方{prescriptionId}的药品已由{courier}配送，运单号{trackingNumber}。"),
        new(DispensingDelivered, "药品已送达",
            "您的电子处方{prescriptionId}的药品已送达，请核对药品。"),
        new(DispensingCancelled, "处方已撤销",
            "您的电子处方{prescriptionId}已被开方医师撤销，如有疑问请联系医师。"),
        new(DispensingExpired, "处方已过期",
            "您的电子处方{prescriptionId}已超过有效期（{validUntil}），如需用药请重新复诊开方。"),
        new(AlertRaised, "传染病预警",
            "{district}{seriesCode}（{seriesKind}）{trigger}预警{alertId}，请于{dueAt}前登录确认响应。", AlertWording),
        new(AlertEscalated, "传染病预警升级",
            "{district}{seriesCode}（{seriesKind}）{trigger}预警{alertId}在下级时限内未获确认，已升级至{level}，请于{dueAt}前确认响应。", AlertWording),
        new(LatePaymentRefunded, "逾期支付已退款",
            "账单{billId}的支付在预约保留时间结束后才到账，预约已失效，{amountYuan}元已原路退回。"),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// Fills in <paramref name="template"/>; an unknown template or a missing value is a
    /// programming error (<see cref="ArgumentException"/>), found by the first test that sends it.
    /// </summary>
    public static RenderedNotification Render(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!All.TryGetValue(template, out var entry))
        {
            throw new ArgumentException($"No notification template '{template}'.", nameof(template));
        }

        var missing = entry.Placeholders.Where(p => !values.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"Template '{template}' needs {string.Join(", ", missing)}.", nameof(values));
        }

        return new RenderedNotification(template, Fill(entry, entry.Title, values), Fill(entry, entry.Body, values));
    }

    private static string Fill(NotificationTemplate entry, string text, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            var value = values[name];
            return entry.Wording?.GetValueOrDefault(name)?.GetValueOrDefault(value) ?? value;
        });

    [GeneratedRegex("\\{([A-Za-z][A-Za-z0-9]*)\\}")]
    internal static partial Regex PlaceholderPattern();
}
