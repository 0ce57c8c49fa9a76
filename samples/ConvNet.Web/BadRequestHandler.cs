using Microsoft.AspNetCore.Diagnostics;

namespace ConvNet.Web;

/// <summary>
/// Turns a <see cref="BadHttpRequestException"/> — a request the app or Kestrel refused, with its status code — into
/// problem-details JSON whose <c>detail</c> says what was wrong. Any other exception is left to the default handler,
/// which answers 500 without details.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problemDetails, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        Log.Rejected(logger, httpContext.Request.Method, httpContext.Request.Path, badRequest.StatusCode, badRequest.Message);
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = badRequest.StatusCode, Detail = badRequest.Message },
            Exception = exception,
        }).ConfigureAwait(false);
    }
}
