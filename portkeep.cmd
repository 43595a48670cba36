@echo off
rem portkeep launcher for Windows cmd.exe: finds a JDK 21 or newer, builds
rem target\portkeep.jar when it is missing, then runs it. The release .zip ships it
rem as bin\portkeep.cmd, where it runs lib\portkeep.jar and never builds. It follows the bash
rem launcher ./portkeep as far as cmd.exe allows; see there for the reasons.
rem
rem Environment:
rem   JAVA_HOME           tried first (its bin\java.exe must be 21 or newer)
rem   PORTKEEP_JAVA_OPTS  extra JVM options; they come after the defaults, so they win
rem   PORTKEEP_JAR        run this jar instead of target\portkeep.jar; never builds
rem   PORTKEEP_REBUILD=1  build even though target\portkeep.jar exists
rem   PORTKEEP_JVM_DIR    look for JDKs only in this folder's subfolders
rem
REM No freshness check on Windows (cmd.exe cannot compare file times well):
REM the jar is built only when it is missing. After changing pom.xml or
REM src\main, run once with PORTKEEP_REBUILD=1.
setlocal EnableExtensions DisableDelayedExpansion

rem JVM flags: the same as PORTKEEP_JVM_FLAGS in ./portkeep, which says why,
rem but for -XX:TrimNativeHeapInterval: Windows has no native heap trim, and the
rem JVM would warn about it at every start. LauncherFlagsTest keeps them in step.
set "PK_JVM_FLAGS=-XX:+IgnoreUnrecognizedVMOptions -XX:+UseSerialGC -Xmx256m -Xms8m -XX:MaxNewSize=64m -XX:+UseCompactObjectHeaders -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr -Xlog:aot=off:stderr"
set "PK_MIN_JAVA=21"

set "PK_ROOT=%~dp0"
set "PK_ROOT=%PK_ROOT:~0,-1%"
set "PK_TMP=%TEMP%\portkeep-%RANDOM%%RANDOM%.txt"
set "PK_FOUND="
set "PK_JH="
set "PK_PATH_JAVA="
set "PK_JAVA="
set "PK_HOME="
set "PK_BUILD=0"

if defined PORTKEEP_JAR goto :jar_given
rem The release layout (bin\portkeep.cmd beside lib\portkeep.jar, from the .zip): never builds.
if exist "%PK_ROOT%\pom.xml" goto :clone_layout
if not exist "%PK_ROOT%\..\lib\portkeep.jar" goto :clone_layout
for %%H in ("%PK_ROOT%\..") do set "PK_JAR=%%~fH\lib\portkeep.jar"
goto :find_jdk
:clone_layout
set "PK_JAR=%PK_ROOT%\target\portkeep.jar"
if not exist "%PK_JAR%" set "PK_BUILD=1"
if "%PORTKEEP_REBUILD%"=="1" set "PK_BUILD=1"
goto :find_jdk
:jar_given
set "PK_JAR=%PORTKEEP_JAR%"

rem ---- Find a java 21 or newer (with javac beside it when building):
rem ---- JAVA_HOME, then java on PATH, then the usual install folders, newest first.
:find_jdk
if not defined JAVA_HOME goto :try_path
set "PK_JH=%JAVA_HOME:"=%"
if exist "%PK_JH%\bin\java.exe" goto :try_java_home
call :note "JAVA_HOME=%PK_JH% (no bin\java.exe)"
goto :try_path
:try_java_home
call :probe "%PK_JH%\bin\java.exe"
if errorlevel 1 goto :try_path
set "PK_JAVA=%PK_JH%\bin\java.exe"
set "PK_HOME=%PK_P_HOME%"
goto :found

:try_path
set "PK_PATH_JAVA="
for %%J in (java.exe) do set "PK_PATH_JAVA=%%~$PATH:J"
if not defined PK_PATH_JAVA goto :try_dirs
if /i "%PK_PATH_JAVA%"=="%PK_JH%\bin\java.exe" goto :try_dirs
call :probe "%PK_PATH_JAVA%"
if errorlevel 1 goto :try_dirs
set "PK_JAVA=%PK_PATH_JAVA%"
set "PK_HOME=%PK_P_HOME%"
goto :found

:try_dirs
set "PK_BEST_MAJOR=0"
set "PK_BEST_JAVA="
set "PK_BEST_HOME="
if not defined PORTKEEP_JVM_DIR goto :scan_usual
call :scan "%PORTKEEP_JVM_DIR%"
goto :scanned
:scan_usual
call :scan "%ProgramFiles%\Eclipse Adoptium"
call :scan "%ProgramFiles%\Java"
call :scan "%ProgramFiles%\Microsoft"
call :scan "%ProgramFiles%\Amazon Corretto"
call :scan "%ProgramFiles%\Zulu"
call :scan "%ProgramFiles%\BellSoft"
:scanned
if not defined PK_BEST_JAVA goto :no_jdk
set "PK_JAVA=%PK_BEST_JAVA%"
set "PK_HOME=%PK_BEST_HOME%"
goto :found

:no_jdk
del "%PK_TMP%" >nul 2>&1
if not defined PK_FOUND set "PK_FOUND=no java at all"
>&2 echo portkeep: needs a JDK %PK_MIN_JAVA% or newer (found: %PK_FOUND%)
>&2 echo hint: install one, e.g. Temurin (winget install EclipseAdoptium.Temurin.21.JDK), or set JAVA_HOME
exit /b 2

rem ---- Build when the jar is missing or PORTKEEP_REBUILD=1.
:found
del "%PK_TMP%" >nul 2>&1
if not "%PK_BUILD%"=="1" goto :run
set "PK_MVN="
for %%M in (mvn.cmd mvn.bat mvn.exe) do if not defined PK_MVN set "PK_MVN=%%~$PATH:M"
if defined PK_MVN goto :build
>&2 echo portkeep: cannot build %PK_JAR%: Maven (mvn) is not on PATH
>&2 echo hint: install Apache Maven and put its bin folder on PATH
exit /b 2
:build
>&2 echo portkeep: building (first run or PORTKEEP_REBUILD=1)...
set "PK_LOG=%TEMP%\portkeep-build-%RANDOM%%RANDOM%.log"
pushd "%PK_ROOT%"
set "JAVA_HOME=%PK_HOME%"
rem mvn is mvn.cmd: without CALL this script would end when it does.
call mvn -B -q -DskipTests package >"%PK_LOG%" 2>&1
set "PK_RC=%ERRORLEVEL%"
popd
if "%PK_RC%"=="0" goto :built
type "%PK_LOG%" 1>&2
del "%PK_LOG%" >nul 2>&1
>&2 echo portkeep: the build failed (mvn -B -q -DskipTests package in %PK_ROOT%, JAVA_HOME=%PK_HOME%)
exit /b 1
:built
if exist "%PK_JAR%" goto :built_ok
type "%PK_LOG%" 1>&2
del "%PK_LOG%" >nul 2>&1
>&2 echo portkeep: the build succeeded but made no %PK_JAR%
exit /b 1
:built_ok
del "%PK_LOG%" >nul 2>&1

rem ---- Run. A collector chosen in PORTKEEP_JAVA_OPTS replaces UseSerialGC:
rem ---- the JVM refuses to start with two.
:run
if exist "%PK_JAR%" goto :exec
>&2 echo portkeep: no jar at %PK_JAR%
exit /b 2
:exec
set "PK_USER_GC="
if not defined PORTKEEP_JAVA_OPTS goto :exec_java
rem portkeep service writes this path into the task it installs.
set "PORTKEEP_LAUNCHER=%~f0"
for %%O in (%PORTKEEP_JAVA_OPTS%) do call :is_gc_flag "%%~O"
if defined PK_USER_GC set "PK_JVM_FLAGS=%PK_JVM_FLAGS:-XX:+UseSerialGC=%"
:exec_java
rem portkeep service writes this path into the task it installs.
set "PORTKEEP_LAUNCHER=%~f0"
"%PK_JAVA%" %PK_JVM_FLAGS% %PORTKEEP_JAVA_OPTS% -jar "%PK_JAR%" %*
exit /b %ERRORLEVEL%


rem ==== Subroutines ========================================================

rem :probe JAVA_EXE - errorlevel 0 if it is a java 21 or newer (and, when
rem building, has javac.exe beside it). Sets PK_P_MAJOR and PK_P_HOME, the
rem latter from java.home (right even for the Oracle javapath stub).
:probe
set "PK_P_MAJOR="
set "PK_P_HOME="
set "PK_P_VER="
set "PK_P_A="
set "PK_P_B="
set "PK_P_X="
if not exist "%~1" exit /b 1
"%~1" -XshowSettings:properties -version >"%PK_TMP%" 2>&1
if not errorlevel 1 goto :probe_read
call :note "%~1 (does not run)"
exit /b 1
:probe_read
rem The version line: openjdk version "21.0.2" 2024-01-16 (or "1.8.0_392", "21", "26-ea").
for /f "usebackq tokens=1,2,*" %%A in ("%PK_TMP%") do (
  if /i "%%A"=="java.home" if "%%B"=="=" set "PK_P_HOME=%%C"
  if /i "%%B"=="version" if not defined PK_P_VER call :first_word %%C
)
if not defined PK_P_VER goto :probe_nover
for /f "tokens=1,2 delims=.-_+" %%A in ("%PK_P_VER%") do (
  set "PK_P_A=%%A"
  set "PK_P_B=%%B"
)
set "PK_P_MAJOR=%PK_P_A%"
if "%PK_P_A%"=="1" set "PK_P_MAJOR=%PK_P_B%"
if not defined PK_P_MAJOR goto :probe_nover
for /f "delims=0123456789" %%X in ("%PK_P_MAJOR%") do set "PK_P_X=%%X"
if defined PK_P_X goto :probe_nover
if not defined PK_P_HOME for %%H in ("%~dp1..") do set "PK_P_HOME=%%~fH"
if %PK_P_MAJOR% GEQ %PK_MIN_JAVA% goto :probe_javac
call :note "%PK_P_HOME% (%PK_P_MAJOR%)"
exit /b 1
:probe_javac
if not "%PK_BUILD%"=="1" exit /b 0
if exist "%PK_P_HOME%\bin\javac.exe" exit /b 0
call :note "%PK_P_HOME% (%PK_P_MAJOR%, no javac)"
exit /b 1
:probe_nover
call :note "%~1 (no version)"
exit /b 1

rem :scan FOLDER - probe FOLDER\*\bin\java.exe, keep the newest major.
:scan
if not exist "%~1\" exit /b 0
pushd "%~1"
for /d %%D in (*) do call :consider "%%~fD\bin\java.exe"
popd
exit /b 0

:consider
if not exist "%~1" exit /b 0
rem Already tried as JAVA_HOME or as java on PATH.
if /i "%~1"=="%PK_JH%\bin\java.exe" exit /b 0
if /i "%~1"=="%PK_PATH_JAVA%" exit /b 0
call :probe "%~1"
if errorlevel 1 exit /b 0
if %PK_P_MAJOR% LEQ %PK_BEST_MAJOR% exit /b 0
set "PK_BEST_MAJOR=%PK_P_MAJOR%"
set "PK_BEST_JAVA=%~1"
set "PK_BEST_HOME=%PK_P_HOME%"
exit /b 0

rem :first_word WORDS - PK_P_VER becomes the first, unquoted: "21.0.2" 2024-01-16 gives 21.0.2.
:first_word
set "PK_P_VER=%~1"
exit /b 0

rem :is_gc_flag OPTION - PK_USER_GC=1 if OPTION is -XX:+Use...GC.
:is_gc_flag
set "PK_T=%~1"
if not "%PK_T:~0,8%"=="-XX:+Use" exit /b 0
if not "%PK_T:~-2%"=="GC" exit /b 0
set "PK_USER_GC=1"
exit /b 0

rem :note TEXT - add TEXT to what was found, for the error message.
:note
if defined PK_FOUND goto :note_more
set "PK_FOUND=%~1"
exit /b 0
:note_more
set "PK_FOUND=%PK_FOUND%, %~1"
exit /b 0
