Attribute VB_Name = "hikisup"
' Ribbon callbacks of the hikisup add-in. Each one hands its button id to Python
' (hikisup_xl.excel.dispatch), which does the work and shows the result. No logic here.
' ASCII only: the Japanese text lives in the ribbon XML and in Python.
' One button = one entry in hikisup_xl/registry.py + one callback below.
Option Explicit

Public Sub OnCheck(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupCheck')"
End Sub

Public Sub OnNumber(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupNumber')"
End Sub

Public Sub OnExpiries(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import hikisup_xl.excel as e; e.dispatch('hikisupExpiries')"
End Sub

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
