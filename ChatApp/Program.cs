using ChatApp.Accounts;
using ChatApp.Chat;
using ChatApp.Conversations;
using ChatApp.Discovery;
using ChatApp.Messaging;
using ChatApp.Operations;
using ChatApp.Presence;
using ChatApp.Push;
using ChatApp.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddOperations();
builder.AddStorage();
builder.AddMessaging();
builder.AddDiscovery();
builder.AddPresence();
builder.AddPush();
builder.AddAccounts();
builder.AddChat();

var app = builder.Build();
app.UseOperations();
app.MapOperations();
app.MapStorage();
app.MapAccounts();
app.MapDiscovery();
app.MapConversations();
app.MapChat();
app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
