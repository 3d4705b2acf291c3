using HealthServerless.Core.Notifications;

namespace HealthServerless.Core.Tests.Notifications;

public sealed class NotificationTemplatesTests
{
    [Fact]
    public void Every_template_is_Chinese_and_renders_with_its_placeholders_filled()
    {
        foreach (var template in NotificationTemplates.All.Values)
        {
            var rendered = NotificationTemplates.Render(template.Name, template.Placeholders.ToDictionary(p => p, p => "X"));

            Assert.DoesNotContain("{", rendered.Title + rendered.Body, StringComparison.Ordinal);
            Assert.Contains(rendered.Body, c => c is >= '\u4e00' and <= '\u9fff');
        }
    }

    [Fact]
    public void The_templates_are_the_ones_the_capabilities_send()
    {
        Assert.Equal(
            [
                NotificationTemplates.AlertEscalated, NotificationTemplates.AlertRaised,
                NotificationTemplates.BookingReminderEveningBefore, NotificationTemplates.BookingReminderHourBefore,
                NotificationTemplates.DispensingCancelled, NotificationTemplates.DispensingChoose, NotificationTemplates.DispensingChooseAgain,
                NotificationTemplates.DispensingClaimed, NotificationTemplates.DispensingCompleted, NotificationTemplates.DispensingDelivered,
                NotificationTemplates.DispensingDispatched, NotificationTemplates.DispensingDispensed, NotificationTemplates.DispensingExpired,
                NotificationTemplates.DispensingOffered, NotificationTemplates.DispensingReturned,
                NotificationTemplates.LatePaymentRefunded, NotificationTemplates.LicenceLicensed, NotificationTemplates.LicenceRejected,
                NotificationTemplates.LicenceStepOverdue, NotificationTemplates.LicenceStepReminder,
                NotificationTemplates.PrescriptionReturned, NotificationTemplates.PrescriptionReturnedToPhysician,
            ],
            NotificationTemplates.All.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unknown_template_or_a_missing_value_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NotificationTemplates.Render("booking-reminder", new Dictionary<string, string>()));
        var missing = Assert.Throws<ArgumentException>(() => NotificationTemplates.Render(NotificationTemplates.LicenceLicensed, new Dictionary<string, string> { ["number"] = "L1" }));
        Assert.Contains("certificateNumber", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_is_named_in_words_and_an_hour_before_reminder_says_today()
    {
        var overdue = NotificationTemplates.Render(NotificationTemplates.LicenceStepOverdue,
            new Dictionary<string, string> { ["number"] = "L7", ["step"] = "Approval", ["dueAt"] = "2026-12-08 17:00" });
        var soon = NotificationTemplates.Render(NotificationTemplates.BookingReminderHourBefore,
            new Dictionary<string, string> { ["department"] = "儿科", ["time"] = "09:00", ["visitNumber"] = "12" });

        Assert.Equal("执业许可申请L7的审批已超过办理时限（2026-12-08 17:00），已升级督办。", overdue.Body);
        Assert.Equal("您预约的儿科号源将于今天09:00开始，就诊序号12。请提前到院签到，如不能前往请及时取消。", soon.Body);
    }
}
