using System.Net;
using System.Text.Json;
using ChatApp.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Operations;

public sealed class OpenApiTests : IAsyncLifetime
{
    readonly ChatAppFactory _app = new();
    JsonElement _paths;

    public async Task InitializeAsync()
    {
        var document = await (await _app.CreateClient().GetAsync("/openapi/v1.json")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        _paths = document.GetProperty("paths");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> DocumentedOperations => new()
    {
        { "POST", "/api/auth/register" },
        { "POST", "/api/auth/login" },
        { "POST", "/api/auth/logout" },
        { "GET", "/api/users/me" },
        { "GET", "/api/users/{id}" },
        { "GET", "/api/users" },
        { "GET", "/api/discovery" },
        { "GET", "/api/conversations" },
        { "POST", "/api/conversations/direct" },
        { "GET", "/api/conversations/{id}" },
        { "GET", "/api/conversations/{id}/messages" },
        { "POST", "/api/conversations/{id}/messages" },
        { "GET", "/api/sync" },
        { "GET", "/ws" },
    };

    [Theory]
    [MemberData(nameof(DocumentedOperations))]
    public void The_document_describes_each_http_operation(string method, string path)
    {
        Assert.True(_paths.TryGetProperty(path, out var item), $"{path} is missing; the document has: {string.Join(", ", _paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {path} is missing");
    }

    [Fact]
    public void Every_endpoint_the_app_maps_is_in_the_document()
    {
        // Read the routes from the running app itself, so an endpoint added later without documentation fails here.
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Select(e => (Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [], Path: "/" + e.RoutePattern.RawText!.Trim('/')))
            .Where(e => !e.Path.StartsWith("/health/"))
            .ToList();
        Assert.True(endpoints.Count >= 14, $"only {endpoints.Count} endpoints found");

        foreach (var (methods, path) in endpoints)
        {
            Assert.NotEmpty(methods);
            Assert.True(_paths.TryGetProperty(path, out var item), $"{path} is mapped but not documented");
            foreach (var method in methods)
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {path} is mapped but not documented");
        }
    }
}
