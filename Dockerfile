# Build: the SDK image restores and publishes; only the output goes into the runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY ChatApp/ChatApp.csproj ChatApp/
RUN dotnet restore ChatApp/ChatApp.csproj
COPY ChatApp/ ChatApp/
RUN dotnet publish ChatApp/ChatApp.csproj -c Release -o /app --no-restore

# Run: the ASP.NET runtime image, as its non-root "app" user, data on a volume, HTTP on 8080.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /data && chown app:app /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Chat="Data Source=/data/chatapp.db"
VOLUME /data
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "ChatApp.dll"]
