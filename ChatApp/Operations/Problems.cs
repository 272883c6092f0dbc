using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Operations;

/// <summary>
/// Stable error codes: the same strings travel in WebSocket <c>error</c> frames and, as the <c>code</c>
/// extension member, in HTTP problem details. docs/protocol.md lists them all.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string ValidationFailed = "validation_failed";
    public const string UnknownType = "unknown_type";
    public const string InvalidFrame = "invalid_frame";
    public const string BodyTooLong = "body_too_long";
    public const string ConversationNotFound = "conversation_not_found";
    public const string UserNotFound = "user_not_found";
    public const string RateLimited = "rate_limited";
    public const string UsernameTaken = "username_taken";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Unauthorized = "unauthorized";
    public const string StoreFailed = "store_failed";
    public const string Unavailable = "unavailable";
    public const string InternalError = "internal_error";
}

static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult NotFound(string code, string detail) => Of(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult BadRequest(string code, string detail) => Of(StatusCodes.Status400BadRequest, code, detail);
}
