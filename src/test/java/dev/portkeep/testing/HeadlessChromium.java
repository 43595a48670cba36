package dev.portkeep.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven by Selenium: Debian's chromium and chromium-driver, named
 * explicitly so Selenium never tries to fetch a driver, with {@code --no-sandbox} since tests run
 * as root. Opens portkeep's web page with its secret, reads the page by script, and saves
 * screenshots under target/screenshots.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Why a browser test cannot run here, or empty when it can. */
  public static Optional<String> missing() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)
        ? Optional.empty()
        : Optional.of(
            "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver)");
  }

  public static HeadlessChromium start() {
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1300,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new HeadlessChromium(new ChromeDriver(service, options));
  }

  public ChromeDriver driver() {
    return driver;
  }

  /**
   * Waits for the secret {@code portkeep up --ui} writes to {@code secretFile}, then opens the page
   * at {@code 127.0.0.1:uiPort} with it in the URL fragment, as {@code portkeep ui} does.
   */
  public void openDashboard(int uiPort, Path secretFile) {
    Await.until("the page's secret in " + secretFile, () -> size(secretFile) >= 64);
    String secret = TestFiles.read(secretFile).strip();
    driver.get("http://127.0.0.1:" + uiPort + "/#secret=" + secret);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The text at {@code css}, or "" while it is not there; read by one script in the page, since a
   * page that redraws may replace an element found by WebDriver before it is read.
   */
  public String text(String css) {
    Object value =
        script(
            "const e = document.querySelector(arguments[0]);"
                + " return e === null ? '' : e.textContent;",
            css);
    return value == null ? "" : value.toString().strip();
  }

  /** The value of {@code data-NAME} on the element at {@code css}, or "" while it is not there. */
  public String data(String css, String name) {
    Object value =
        script(
            "const e = document.querySelector(arguments[0]);"
                + " return e === null ? '' : (e.dataset[arguments[1]] || '');",
            css,
            name);
    return value == null ? "" : value.toString();
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /**
   * Lets this page read and write the system clipboard without asking, through the DevTools
   * protocol, as a user who allowed it would.
   */
  public void allowClipboard(String origin) {
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            origin,
            "permissions",
            java.util.List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  /** The clipboard's text as the page reads it (navigator.clipboard.readText). */
  public String clipboard() {
    Object value =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " navigator.clipboard.readText().then(done, e => done('error: ' + e));");
    return value == null ? "" : value.toString();
  }

  /** Saves what the window shows as target/screenshots/{@code name}.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          target,
          StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + name, e);
    }
  }

  /** Saves the page as the test method's screenshot, then closes the browser. */
  public void closeAfterScreenshot(org.junit.jupiter.api.TestInfo test) {
    try {
      screenshot(test.getTestMethod().orElseThrow().getName());
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
