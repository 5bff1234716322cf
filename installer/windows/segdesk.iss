; Inno Setup 6 script: installs the frozen build (dist\segdesk, made by installer/build) for the
; current user, without administrator rights. Build it on Windows after installer/build:
;     iscc installer\windows\segdesk.iss        -> dist\segdesk-VERSION-setup.exe
; installer/build runs that itself when iscc is on PATH. The version comes from segdesk.exe's
; version resource, which the PyInstaller spec writes from segdesk.__version__, so the two agree.

#define AppName "segdesk"
#define AppExeName "segdesk.exe"
#define CliExeName "segdesk-cli.exe"
#define ProgId "segdesk.review"
#define PdfProgId "segdesk.pdf"
#ifndef DistDir
  #define DistDir "..\..\dist\segdesk"
#endif
#define AppExe AddBackslash(DistDir) + AppExeName
#if !FileExists(AppExe)
  #error dist\segdesk\segdesk.exe not found: run installer/build first
#endif
#define AppVersion GetStringFileInfo(AppExe, "ProductVersion")
#define AppVersionNumbers GetVersionNumbersString(AppExe)

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{6E0B3C1A-5D2F-4B8E-9A47-2C1F0D8B7E35}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription={#AppName} setup
; Per user: {autopf} is %LOCALAPPDATA%\Programs and HKA is HKCU, so no UAC prompt.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\icons\segdesk.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "pdfopenwith"; Description: "Offer {#AppName} in ""Open with"" for PDF files"; GroupDescription: "File types:"

[Files]
; The whole one-folder build: segdesk.exe (the window), segdesk-cli.exe (console commands) and _internal\.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "Review a Daily Seg filing"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Registry]
; .segdesk review files (FILING.pdf.segdesk) open in segdesk, which opens the PDF beside them.
Root: HKA; Subkey: "Software\Classes\.segdesk"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "segdesk review"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""
; PDFs: listed under "Open with" only; the user's default PDF viewer is left alone.
Root: HKA; Subkey: "Software\Classes\{#PdfProgId}"; ValueType: string; ValueName: ""; ValueData: "PDF filing (segdesk)"; Flags: uninsdeletekey; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\{#PdfProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: string; ValueName: "{#PdfProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: ".segdesk"; ValueData: ""; Flags: uninsdeletekey
; The window's own settings (QSettings("segdesk", "segdesk")): removed on uninstall.
Root: HKCU; Subkey: "Software\segdesk"; Flags: uninsdeletekeyifempty dontcreatekey
Root: HKCU; Subkey: "Software\segdesk\segdesk"; Flags: uninsdeletekey dontcreatekey

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything written into the install folder after setup (logs, caches). Review files live beside
; the user's PDFs and are never touched.
Type: filesandordirs; Name: "{app}"
