using System.Text.Json;
using FluentValidation;

namespace ChatApp.Operations;

/// <summary>Runs the FluentValidation validator of the endpoint's <typeparamref name="T"/> argument; a failure is a 400 validation problem naming each field.</summary>
sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
            return Problems.BadRequest(ErrorCodes.InvalidRequest, "A JSON request body is required.");
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (result.IsValid) return await next(context);
        var errors = result.Errors
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
        return TypedResults.ValidationProblem(errors, extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.ValidationFailed });
    }
}

static class ValidationFilterExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}
