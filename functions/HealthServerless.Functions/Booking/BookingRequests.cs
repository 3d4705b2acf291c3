using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Booking;

namespace HealthServerless.Functions.Booking;

public sealed record PublishSessionRequest(
    [property: Required, StringLength(50, MinimumLength = 1)] string Department,
    [property: Required, StringLength(40, MinimumLength = 1), RegularExpression("^[A-Za-z0-9_-]+$")] string PhysicianId,
    [property: Required, StringLength(50, MinimumLength = 1)] string PhysicianName,
    DateOnly Date,
    [property: Required, RegularExpression("^(am|pm|evening)$")] string Period,
    [property: Required, MinLength(1), MaxLength(48)] IReadOnlyList<PublishSlotRequest> Slots,
    [property: Range(0, 10_000_000)] long FeeFen,
    [property: Range(0, 90)] int OpensDaysAhead = 7,
    TimeOnly? OpensAt = null,
    [property: Range(0, 10080)] int CancellationCutoffMinutes = 120,
    [property: Range(0, 10080)] int OnsiteReleaseMinutesBefore = 60)
{
    public PublishSession ToCommand() => new(
        Department, PhysicianId, PhysicianName, Date, Period,
        [.. Slots.Select(s => new PublishSlot(s.Start, s.End, s.Capacity, s.OnsiteSeats))],
        FeeFen, OpensDaysAhead, OpensAt ?? new TimeOnly(8, 0), CancellationCutoffMinutes, OnsiteReleaseMinutesBefore);
}

public sealed record PublishSlotRequest(TimeOnly Start, TimeOnly End, [property: Range(1, 1000)] int Capacity, [property: Range(0, 1000)] int OnsiteSeats);

public sealed record BookRequest(
    [property: Required, StringLength(40, MinimumLength = 1)] string InstitutionId,
    [property: Required, StringLength(80, MinimumLength = 1)] string SessionId,
    [property: Required, StringLength(10, MinimumLength = 1)] string SlotId);

public sealed record WalkInRequest(
    [property: Required, StringLength(80, MinimumLength = 1)] string SessionId,
    [property: Required, StringLength(10, MinimumLength = 1)] string SlotId,
    [property: Required, StringLength(2048, MinimumLength = 10)] string QrToken);

public sealed record CheckInRequest([property: Required, StringLength(2048, MinimumLength = 10)] string QrToken);
