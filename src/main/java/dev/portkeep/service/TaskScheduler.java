package dev.portkeep.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Windows: a Task Scheduler task running {@code portkeep up} at the user's logon (the right host
 * for SMB tunnels: drive mappings live in that logon session) or, as an administrator, at boot as
 * SYSTEM; restarted every minute when it fails. Registered from its XML definition with {@code
 * schtasks /create /xml}, which wants the file in UTF-16; the file stays beside the tunnels file so
 * status and uninstall find it.
 */
public final class TaskScheduler {
  public static final String TASK = "portkeep";

  private TaskScheduler() {}

  public static ServicePlan plan(Scope scope, Path launcher, Path tunnels, String user) {
    Path file = tunnels.toAbsolutePath().resolveSibling("portkeep-task.xml");
    return new ServicePlan(
        scope == Scope.USER ? "scheduled task at logon" : "scheduled task at boot",
        file,
        definition(scope, launcher, tunnels, user),
        StandardCharsets.UTF_16,
        ServicePlan.WRITTEN_BY,
        List.of(
            List.of("schtasks", "/create", "/tn", TASK, "/xml", file.toString(), "/f"),
            List.of("schtasks", "/run", "/tn", TASK)),
        List.of(
            List.of("schtasks", "/end", "/tn", TASK),
            List.of("schtasks", "/delete", "/tn", TASK, "/f")),
        List.of("schtasks", "/query", "/tn", TASK),
        List.of(
            "powershell",
            "-NoProfile",
            "-Command",
            "if ((Get-ScheduledTask -TaskName " + TASK + ").State -ne 'Running') { exit 1 }"));
  }

  static String definition(Scope scope, Path launcher, Path tunnels, String user) {
    boolean atLogon = scope == Scope.USER;
    String trigger =
        atLogon
            ? "<LogonTrigger><Enabled>true</Enabled><UserId>"
                + Xml.text(user)
                + "</UserId></LogonTrigger>"
            : "<BootTrigger><Enabled>true</Enabled></BootTrigger>";
    String principal =
        atLogon
            ? "<UserId>"
                + Xml.text(user)
                + "</UserId><LogonType>InteractiveToken</LogonType>"
                + "<RunLevel>LeastPrivilege</RunLevel>"
            : "<UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel>";
    return """
        <?xml version="1.0" encoding="UTF-16"?>
        <!-- %s; portkeep service uninstall removes it. -->
        <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
          <RegistrationInfo>
            <Description>portkeep up: the tunnels of %s</Description>
          </RegistrationInfo>
          <Triggers>
            %s
          </Triggers>
          <Principals>
            <Principal id="Author">%s</Principal>
          </Principals>
          <Settings>
            <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
            <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
            <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
            <StartWhenAvailable>true</StartWhenAvailable>
            <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
            <RestartOnFailure>
              <Interval>PT1M</Interval>
              <Count>999</Count>
            </RestartOnFailure>
            <Enabled>true</Enabled>
          </Settings>
          <Actions Context="Author">
            <Exec>
              <Command>%s</Command>
              <Arguments>up -c "%s"</Arguments>
            </Exec>
          </Actions>
        </Task>
        """
        .formatted(
            ServicePlan.WRITTEN_BY,
            Xml.text(tunnels.toString()),
            trigger,
            principal,
            Xml.text(launcher.toString()),
            Xml.text(tunnels.toString()));
  }
}
