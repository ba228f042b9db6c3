package dev.kpam.it.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A headless Debian Chromium driven through Debian's chromedriver, for browser tests against a
 * server at {@code base}. Both executables are named explicitly, so Selenium Manager never looks
 * for (or downloads) a driver or a browser. Without them the calling test is skipped with a
 * message, except under CI ({@code CI=true}), where it fails: CI must run the browser tests.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start(world.serverUrl())) {
 *   browser.open("/ui/login");
 *   browser.fill("username", "admin");
 *   browser.click("sign-in");
 *   browser.screenshot("resources");
 * }
 * }</pre>
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Build artifacts: {@code kpam-it/target/screenshots/<name>.png}. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final URI base;
  private final ChromeDriver driver;
  private final WebDriverWait wait;
  private boolean closed;

  private Browser(URI base, ChromeDriver driver) {
    this.base = base;
    this.driver = driver;
    this.wait = new WebDriverWait(driver, WAIT);
  }

  /** Starts a fresh browser (new profile, no cookies) whose relative paths resolve against base. */
  static Browser start(URI base) {
    return start(base, true);
  }

  /** Like {@link #start(URI)}, with JavaScript switched off: what a page shows without it. */
  static Browser startWithoutJavaScript(URI base) {
    return start(base, false);
  }

  private static Browser start(URI base, boolean javaScript) {
    assumeInstalled();
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File("target", "chromedriver.log"))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    if (!javaScript) {
      options.setExperimentalOption(
          "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--disable-gpu",
        // Nothing but the page under test may touch the network: no updates, sync or telemetry.
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-extensions",
        "--disable-sync",
        "--disable-features=MediaRouter,OptimizationHints,Translate",
        // Even so Chromium looks up clients2.google.com: resolve nothing but loopback.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
    try {
      return new Browser(base, new ChromeDriver(service, options));
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
  }

  private static void assumeInstalled() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String message =
        "browser tests need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (Debian packages chromium and chromium-driver; .ci/run installs them)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI must run the browser tests)");
    }
    Assumptions.abort(message + "; skipping this browser test");
  }

  /**
   * Gives the browser a platform authenticator, as a laptop's fingerprint reader or a phone would
   * be: it makes and uses passkeys, verifying its user without a prompt (Chromium's virtual
   * authenticator, through WebDriver).
   */
  void addPasskeyAuthenticator() {
    driver.addVirtualAuthenticator(
        new VirtualAuthenticatorOptions()
            .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
            .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
            .setHasResidentKey(true)
            .setHasUserVerification(true)
            .setIsUserVerified(true)
            .setIsUserConsenting(true));
  }

  /** Loads {@code path} (e.g. {@code /ui/login}) relative to the base URL and waits for it. */
  void open(String path) {
    driver.get(base.resolve(path).toString());
  }

  /** Signs in through the sign-in form and waits for the first page after it. */
  void signIn(String user, String password) {
    open("/ui/login");
    fill("username", user);
    fill("password", password);
    click("sign-in");
    waitForPath("/ui/resources");
  }

  /** The path of the page now shown, e.g. {@code /ui/login}. */
  String path() {
    return URI.create(driver.getCurrentUrl()).getPath();
  }

  /** Waits until the page shown has this path (after a redirect or a form post). */
  void waitForPath(String path) {
    wait.withMessage(() -> "expected path " + path + ", at " + driver.getCurrentUrl())
        .until(driver -> path.equals(path()));
  }

  /** Waits until an element matching the CSS selector is visible, and returns it. */
  WebElement waitFor(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element matching the CSS selector shows exactly this text. */
  void waitForText(String css, String text) {
    wait.until(ExpectedConditions.textToBe(By.cssSelector(css), text));
  }

  /** The visible text of the element matching the CSS selector, once it is visible. */
  String text(String css) {
    return waitFor(css).getText();
  }

  /** Replaces the value of the field with this id. */
  void fill(String id, String value) {
    WebElement field = waitFor("#" + id);
    field.clear();
    field.sendKeys(value);
  }

  /** Clicks the element with this id once it is clickable. */
  void click(String id) {
    wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
  }

  /** Clicks the element matching the CSS selector once it is clickable. */
  void clickOn(String css) {
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
  }

  /** Chooses the option with this value in the select with this id. */
  void choose(String id, String value) {
    new Select(waitFor("#" + id)).selectByValue(value);
  }

  /** Types keys (e.g. {@code Keys.ESCAPE}) into whatever has the focus. */
  void press(CharSequence... keys) {
    driver.switchTo().activeElement().sendKeys(keys);
  }

  /** Whether the element matching the CSS selector has the focus. */
  boolean hasFocus(String css) {
    return driver.switchTo().activeElement().equals(driver.findElement(By.cssSelector(css)));
  }

  /** Waits until no element matching the CSS selector is visible. */
  void waitUntilHidden(String css) {
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
  }

  /**
   * The URLs the page now shown requested by script (fetch or XMLHttpRequest) before its load
   * event: a page whose first view is in its HTML has none.
   */
  List<String> scriptRequestsBeforeLoad() {
    wait.until(any -> "complete".equals(driver.executeScript("return document.readyState")));
    Object urls =
        driver.executeScript(
            "const load = performance.getEntriesByType('navigation')[0].loadEventStart;"
                + " return performance.getEntriesByType('resource')"
                + ".filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')"
                + ".filter(e => e.startTime <= load).map(e => e.name);");
    return ((List<?>) urls).stream().map(String::valueOf).toList();
  }

  /** The HTML of the page now shown, as the browser holds it. */
  String source() {
    return driver.getPageSource();
  }

  /**
   * Lets pages of the base URL read and write the clipboard without asking, as a user would allow
   * it in a prompt that headless Chromium cannot show.
   */
  void allowClipboard() {
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            base.resolve("/").toString().replaceAll("/$", ""),
            "permissions",
            List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  /** The text on the clipboard, read by the page now shown (needs {@link #allowClipboard}). */
  String clipboardText() {
    Object text =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + " navigator.clipboard.readText().then(done, e => done('error: ' + e));");
    return String.valueOf(text);
  }

  /** Writes the visible page to {@code target/screenshots/<name>.png} and returns that file. */
  Path screenshot(String name) {
    Path file = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write screenshot " + file, e);
    }
    return file;
  }

  /** Quits the browser and stops chromedriver; closing twice does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    driver.quit();
  }
}
