Attribute VB_Name = "hikisup"
' Ribbon callbacks of the hikisup add-in. Each one hands its button id to Python
' (hikisup_xl.excel.dispatch), which does the work and shows the result. No logic here.
' ASCII only: the Japanese text lives in the ribbon XML and in Python.
' One button = one entry in hikisup_xl/registry.py; `hikisup addin build` renders its callback.
Option Explicit

' --- Ribbon callbacks: rendered from hikisup_xl/registry.py by `hikisup addin build`

Public Sub OnCheck(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupCheck')"
End Sub

Public Sub OnTidy(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupTidy')"
End Sub

Public Sub OnNumber(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupNumber')"
End Sub

Public Sub OnExpiries(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupExpiries')"
End Sub

Public Sub OnCandidates(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupCandidates')"
End Sub

Public Sub OnFormsCertificate(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsCertificate')"
End Sub

Public Sub OnFormsCard(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsCard')"
End Sub

Public Sub OnFormsRoster(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsRoster')"
End Sub

Public Sub OnFormsReport(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsReport')"
End Sub

Public Sub OnFormsRenewal(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsRenewal')"
End Sub

Public Sub OnFormsFlyer(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsFlyer')"
End Sub

Public Sub OnFormsInvitation(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupFormsInvitation')"
End Sub

Public Sub OnBlankApplication(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankApplication')"
End Sub

Public Sub OnBlankFlyer(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankFlyer')"
End Sub

Public Sub OnBlankCertificate(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankCertificate')"
End Sub

Public Sub OnBlankRegistration(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankRegistration')"
End Sub

Public Sub OnBlankConsent(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankConsent')"
End Sub

Public Sub OnBlankCard(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankCard')"
End Sub

Public Sub OnBlankRoster(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankRoster')"
End Sub

Public Sub OnBlankCaseConsent(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankCaseConsent')"
End Sub

Public Sub OnBlankReport(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupBlankReport')"
End Sub

Public Sub OnExportRoster(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupExportRoster')"
End Sub

Public Sub OnImportRoster(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupImportRoster')"
End Sub

Public Sub OnReport(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupReport')"
End Sub

Public Sub OnConsolidate(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupConsolidate')"
End Sub

Public Sub OnMigrate(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupMigrate')"
End Sub

Public Sub OnNew(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupNew')"
End Sub

Public Sub OnUpgrade(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupUpgrade')"
End Sub

' --- End of the rendered callbacks

' The same path as a click, for scripts: Application.Run "'hikisup.xlam'!RunAction", "hikisupCheck"
Public Sub RunAction(id As String)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('" & id & "')"
End Sub

' RunPython needs an active workbook. Without one (none open, or one in Protected View)
' show the add-in's own message instead of a VBA runtime error.
Private Function HasWorkbook() As Boolean
    HasWorkbook = Not ActiveWorkbook Is Nothing
    If Not HasWorkbook Then MsgBox Message("hikisup_no_workbook"), vbExclamation, Message("hikisup_title")
End Function

' A Japanese message kept in a defined name of the add-in's hidden hikisup.conf sheet.
Private Function Message(key As String) As String
    Message = ThisWorkbook.Names(key).RefersToRange.Value
End Function
