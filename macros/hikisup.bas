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

' --- Batched access for the live engine (hikisup_xl/engine/livebatch.py keeps the layout).
' Each function is one Application.Run round trip from Python, whatever the number of tables
' or rows: its arguments and its result are plain 2-D Variant arrays (sheet and table names,
' numbers, cell values), which COM marshals as one SAFEARRAY each. Python falls back to one
' call per Excel object when these functions are missing (an older add-in).

' Every worksheet and every table of the workbook, in one 2-D array (0-based, 5 columns):
' row 0: "hikisup-tables", layout version, workbook name, full name, the marker property;
' then per worksheet: "sheet", sheet name, visible (True/False), two empty cells;
' and per table:      "table", sheet name, table name, range address, Total Row shown.
Public Function HikisupTables(bookName As String, markerName As String) As Variant
    Dim wb As Workbook, ws As Worksheet, lo As ListObject
    Dim n As Long, r As Long, out() As Variant
    Set wb = Workbooks(bookName)
    n = 1
    For Each ws In wb.Worksheets
        n = n + 1 + ws.ListObjects.Count
    Next ws
    ReDim out(0 To n - 1, 0 To 4)
    out(0, 0) = "hikisup-tables"
    out(0, 1) = 1
    out(0, 2) = wb.Name
    out(0, 3) = wb.FullName
    On Error Resume Next
    out(0, 4) = CStr(wb.CustomDocumentProperties(markerName).Value)
    On Error GoTo 0
    r = 1
    For Each ws In wb.Worksheets
        out(r, 0) = "sheet"
        out(r, 1) = ws.Name
        out(r, 2) = (ws.Visible = xlSheetVisible)
        r = r + 1
        For Each lo In ws.ListObjects
            out(r, 0) = "table"
            out(r, 1) = ws.Name
            out(r, 2) = lo.Name
            out(r, 3) = lo.Range.Address
            out(r, 4) = lo.ShowTotals
            r = r + 1
        Next lo
    Next ws
    HikisupTables = out
End Function

' Several ranges in one 2-D array. Each row of `requests` asks for one range:
' sheet name, top, left, bottom, right, kind ("V" values, "F" formulas, "U" the sheet's used
' range values, where top..right are ignored). The answer stacks, per request, a row
' "#", rows, columns and then those rows (width: the widest range, at least 3); an error
' value (#N/A...) reads as an empty cell, as xlwings reads it.
Public Function HikisupRead(bookName As String, requests As Variant) As Variant
    Dim wb As Workbook, ws As Worksheet, rng As Range
    Dim i As Long, k As Long, first As Long, last As Long
    Dim total As Long, width As Long, r As Long, c As Long, at As Long
    Dim blocks() As Variant, heights() As Long, widths() As Long, out() As Variant, v As Variant
    Dim one(1 To 1, 1 To 1) As Variant
    Set wb = Workbooks(bookName)
    first = LBound(requests, 1)
    last = UBound(requests, 1)
    k = LBound(requests, 2)
    ReDim blocks(first To last)
    ReDim heights(first To last)
    ReDim widths(first To last)
    width = 3
    For i = first To last
        Set ws = wb.Worksheets(CStr(requests(i, k)))
        If requests(i, k + 5) = "U" Then
            Set rng = ws.UsedRange
        Else
            Set rng = ws.Range(ws.Cells(CLng(requests(i, k + 1)), CLng(requests(i, k + 2))), _
                               ws.Cells(CLng(requests(i, k + 3)), CLng(requests(i, k + 4))))
        End If
        heights(i) = rng.Rows.Count
        widths(i) = rng.Columns.Count
        If requests(i, k + 5) = "F" Then v = rng.Formula Else v = rng.Value
        If Not IsArray(v) Then
            one(1, 1) = v
            v = one
        End If
        blocks(i) = v
        total = total + 1 + heights(i)
        If widths(i) > width Then width = widths(i)
    Next i
    ReDim out(0 To total - 1, 0 To width - 1)
    at = 0
    For i = first To last
        out(at, 0) = "#"
        out(at, 1) = heights(i)
        out(at, 2) = widths(i)
        at = at + 1
        For r = 1 To heights(i)
            For c = 1 To widths(i)
                v = blocks(i)(r, c)
                If IsError(v) Then
                    v = Empty
                ElseIf VarType(v) = vbCurrency Then
                    v = CDbl(v)
                End If
                out(at, c - 1) = v
            Next c
            at = at + 1
        Next r
    Next i
    HikisupRead = out
End Function

' Every buffered write of one action, applied with screen updating, calculation and events
' off (restored afterwards, also after an error). `ops` is a program of rows; an op's first
' row holds its code and arguments:
' "F", sheet, top, left, bottom, right, number format
' "W", sheet, top, left, rows, columns, masked: the next `rows` rows are the values; when
'      masked, the `rows` rows after them hold 1 where a cell that holds a formula keeps it
'      (the value given is written only where the cell has none)
' "A", sheet, table, n: n rows added at the end of the table (above its Total Row)
' "R", sheet, table, top, left, bottom, right: the table resized to that range
' "P", sheet: every pivot table on the sheet refreshed
' Returns the number of ops applied.
Public Function HikisupWrite(bookName As String, ops As Variant) As Long
    Dim wb As Workbook, ws As Worksheet, rng As Range, pt As PivotTable
    Dim i As Long, k As Long, last As Long, n As Long, j As Long
    Dim nRows As Long, nCols As Long, r As Long, c As Long
    Dim values() As Variant, formulas As Variant, v As Variant
    Dim one(1 To 1, 1 To 1) As Variant
    Dim screen As Boolean, calc As Long, events As Boolean
    Dim errNo As Long, errText As String
    Set wb = Workbooks(bookName)
    screen = Application.ScreenUpdating
    calc = Application.Calculation
    events = Application.EnableEvents
    On Error GoTo Failed
    Application.ScreenUpdating = False
    Application.Calculation = xlCalculationManual
    Application.EnableEvents = False
    k = LBound(ops, 2)
    i = LBound(ops, 1)
    last = UBound(ops, 1)
    Do While i <= last
        Set ws = wb.Worksheets(CStr(ops(i, k + 1)))
        Select Case CStr(ops(i, k))
        Case "F"
            ws.Range(ws.Cells(CLng(ops(i, k + 2)), CLng(ops(i, k + 3))), _
                     ws.Cells(CLng(ops(i, k + 4)), CLng(ops(i, k + 5)))).NumberFormat = CStr(ops(i, k + 6))
            i = i + 1
        Case "W"
            nRows = CLng(ops(i, k + 4))
            nCols = CLng(ops(i, k + 5))
            Set rng = ws.Range(ws.Cells(CLng(ops(i, k + 2)), CLng(ops(i, k + 3))), _
                               ws.Cells(CLng(ops(i, k + 2)) + nRows - 1, CLng(ops(i, k + 3)) + nCols - 1))
            ReDim values(1 To nRows, 1 To nCols)
            For r = 1 To nRows
                For c = 1 To nCols
                    v = ops(i + r, k + c - 1)
                    If IsNull(v) Then v = Empty
                    values(r, c) = v
                Next c
            Next r
            If CLng(ops(i, k + 6)) = 1 Then
                formulas = rng.Formula
                If Not IsArray(formulas) Then
                    one(1, 1) = formulas
                    formulas = one
                End If
                For r = 1 To nRows
                    For c = 1 To nCols
                        If ops(i + nRows + r, k + c - 1) = 1 And Left$(CStr(formulas(r, c)), 1) = "=" Then
                            values(r, c) = formulas(r, c)
                        End If
                    Next c
                Next r
                i = i + 1 + 2 * nRows
            Else
                i = i + 1 + nRows
            End If
            rng.Value = values
        Case "A"
            n = CLng(ops(i, k + 3))
            For j = 1 To n
                ws.ListObjects(CStr(ops(i, k + 2))).ListRows.Add
            Next j
            i = i + 1
        Case "R"
            ws.ListObjects(CStr(ops(i, k + 2))).Resize _
                ws.Range(ws.Cells(CLng(ops(i, k + 3)), CLng(ops(i, k + 4))), _
                         ws.Cells(CLng(ops(i, k + 5)), CLng(ops(i, k + 6))))
            i = i + 1
        Case "P"
            For Each pt In ws.PivotTables
                pt.RefreshTable
            Next pt
            i = i + 1
        Case Else
            Err.Raise vbObjectError + 513, "HikisupWrite", "unknown op " & CStr(ops(i, k))
        End Select
        HikisupWrite = HikisupWrite + 1
    Loop
Done:
    Application.ScreenUpdating = screen
    Application.Calculation = calc
    Application.EnableEvents = events
    If errNo <> 0 Then Err.Raise errNo, "HikisupWrite", errText
    Exit Function
Failed:
    errNo = Err.Number
    errText = Err.Description
    Resume Done
End Function
