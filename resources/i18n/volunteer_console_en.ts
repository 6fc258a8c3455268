<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>MessageLogView</name>
    <message numerus="yes">
        <location filename="../../gui/message_log.py" line="+169"/>
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectedView</name>
    <message numerus="yes">
        <location filename="../../gui/rejected_view.py" line="+82"/>
        <source>%n message(s) could not be processed. They changed nothing and are kept here so the sender can be told what to fix.</source>
        <translation>
            <numerusform>%n message could not be processed. It changed nothing and is kept here so the sender can be told what to fix.</numerusform>
            <numerusform>%n messages could not be processed. They changed nothing and are kept here so the sender can be told what to fix.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
</context>
</TS>
