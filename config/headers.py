"""Security headers for every response: pages (config.middleware) and static files (whitenoise).

No Django imports, so the settings can name `add_security_headers` for whitenoise.
"""


def _policy(style_src: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


# Everything from our own origin, nothing inline, no plugins, no framing. JSON-LD
# (`<script type="application/ld+json">`) is data, never run, so script-src allows it.
CONTENT_SECURITY_POLICY = _policy("'self'")

# The admin's one exception: django-simple-history's history page carries
# `style="border-top: 0"` (simple_history/object_history_list.html); that exact attribute
# is allowed by its hash. Scripts stay as strict as on the public pages.
ADMIN_CONTENT_SECURITY_POLICY = _policy(
    "'self' 'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"
)

# Browser features no page of the archive uses, refused to the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def add_security_headers(headers, path: str = "", url: str = "", *, admin: bool = False) -> None:
    """Set each header unless the response chose its own.

    `headers` is a response's headers or, called by whitenoise for a static file, a
    `wsgiref.headers.Headers`; both look names up case-insensitively.
    """
    values = {**SECURITY_HEADERS}
    if admin:
        values["Content-Security-Policy"] = ADMIN_CONTENT_SECURITY_POLICY
    for name, value in values.items():
        if name not in headers:
            headers[name] = value
