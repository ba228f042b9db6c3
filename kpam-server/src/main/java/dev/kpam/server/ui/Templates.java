package dev.kpam.server.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the templates of {@code src/main/jte}, compiled to classes at build time by the
 * jte-maven-plugin, as HTML answers that are never cached and never framed.
 */
final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  void render(Context ctx, int status, String template, Object page) {
    StringOutput out = new StringOutput();
    engine.render(template, page, out);
    ctx.status(status)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "same-origin")
        .header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"
                + " style-src 'self' 'unsafe-inline'; frame-ancestors 'none';"
                + " form-action 'self'")
        .html(out.toString());
  }
}
