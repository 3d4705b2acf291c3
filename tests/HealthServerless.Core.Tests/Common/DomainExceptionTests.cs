using HealthServerless.Core.Common;

namespace HealthServerless.Core.Tests.Common;

public sealed class DomainExceptionTests
{
    [Theory]
    [InlineData(DomainErrorKind.NotFound)]
    [InlineData(DomainErrorKind.Conflict)]
    [InlineData(DomainErrorKind.Forbidden)]
    [InlineData(DomainErrorKind.PreconditionFailed)]
    [InlineData(DomainErrorKind.Gone)]
    [InlineData(DomainErrorKind.Unprocessable)]
    [InlineData(DomainErrorKind.TooManyRequests)]
    public void A_domain_error_carries_its_kind_code_and_detail(DomainErrorKind kind)
    {
        var error = new DomainException(kind, "some-code", "Something the caller can read.");

        Assert.Equal(kind, error.Kind);
        Assert.Equal("some-code", error.Code);
        Assert.Equal("Something the caller can read.", error.Detail);
        Assert.Empty(error.Errors);
    }

    [Fact]
    public void A_validation_error_lists_its_fields()
    {
        var error = DomainException.Validation("date-in-past", "The slot is in the past.", "slot.day", "Must be today or later.");

        Assert.Equal(DomainErrorKind.Validation, error.Kind);
        Assert.Equal(["Must be today or later."], error.Errors["slot.day"]);
    }

    [Fact]
    public void Too_many_requests_may_say_when_to_retry() =>
        Assert.Equal(TimeSpan.FromSeconds(30), DomainException.TooManyRequests("rate", "Slow down.", TimeSpan.FromSeconds(30)).RetryAfter);

    [Fact]
    public void Factories_set_the_kind()
    {
        Assert.Equal(DomainErrorKind.NotFound, DomainException.NotFound("c", "d").Kind);
        Assert.Equal(DomainErrorKind.Conflict, DomainException.Conflict("c", "d").Kind);
        Assert.Equal(DomainErrorKind.Forbidden, DomainException.Forbidden("c", "d").Kind);
        Assert.Equal(DomainErrorKind.PreconditionFailed, DomainException.PreconditionFailed("c", "d").Kind);
        Assert.Equal(DomainErrorKind.Gone, DomainException.Gone("c", "d").Kind);
        Assert.Equal(DomainErrorKind.Unprocessable, DomainException.Unprocessable("c", "d").Kind);
    }

    [Fact]
    public void A_code_and_a_detail_are_required()
    {
        Assert.Throws<ArgumentException>(() => new DomainException(DomainErrorKind.Conflict, "", "d"));
        Assert.Throws<ArgumentException>(() => new DomainException(DomainErrorKind.Conflict, "c", " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DomainException((DomainErrorKind)99, "c", "d"));
    }
}
