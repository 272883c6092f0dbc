using System.Text.RegularExpressions;
using FluentValidation;

namespace ChatApp.Accounts;

sealed partial class RegisterRequestValidator : AbstractValidator<RegisterRequest>
{
    public RegisterRequestValidator()
    {
        // Lower-case first, then check: "ALICE" registers as "alice".
        RuleFor(x => x.Username).NotEmpty().WithMessage("username is required.")
            .Must(u => u is null || u.Length is >= 3 and <= 32).WithMessage("username must be 3 to 32 characters.")
            .Must(u => u is null || UsernameChars().IsMatch(u.ToLowerInvariant()))
            .WithMessage("username may contain only letters a-z, digits, '_', '.' and '-'.");
        RuleFor(x => x.Password).NotEmpty().WithMessage("password is required.")
            .MinimumLength(8).WithMessage("password must be at least 8 characters.")
            .MaximumLength(256).WithMessage("password must be at most 256 characters.");
        RuleFor(x => x.DisplayName).MaximumLength(64).WithMessage("displayName must be at most 64 characters.");
    }

    [GeneratedRegex("^[a-z0-9_.-]*$")]
    private static partial Regex UsernameChars();
}

sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(x => x.Username).NotEmpty().WithMessage("username is required.");
        RuleFor(x => x.Password).NotEmpty().WithMessage("password is required.");
        RuleFor(x => x.DeviceName).MaximumLength(64).WithMessage("deviceName must be at most 64 characters.");
    }
}
