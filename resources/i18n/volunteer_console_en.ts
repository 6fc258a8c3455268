<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Activity</name>
    <message numerus="yes">
        <location filename="../../gui/display.py" line="+220"/>
        <source>offer round opened: %n spot(s) offered in turn</source>
        <translation>
            <numerusform>offer round opened: %n spot offered in turn</numerusform>
            <numerusform>offer round opened: %n spots offered in turn</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>offer round opened: %n spot(s) offered to the whole waitlist</source>
        <translation>
            <numerusform>offer round opened: %n spot offered to the whole waitlist</numerusform>
            <numerusform>offer round opened: %n spots offered to the whole waitlist</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>; %n held spot(s) became free</source>
        <translation>
            <numerusform>; %n held spot became free</numerusform>
            <numerusform>; %n held spots became free</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>; %n unclaimed spot(s) stay held for the waitlist</source>
        <translation>
            <numerusform>; %n unclaimed spot stays held for the waitlist</numerusform>
            <numerusform>; %n unclaimed spots stay held for the waitlist</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n held spot(s) released to newcomers by the coordinator</source>
        <translation>
            <numerusform>%n held spot released to newcomers by the coordinator</numerusform>
            <numerusform>%n held spots released to newcomers by the coordinator</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n held spot(s) released to newcomers: unclaimed for the set time</source>
        <translation>
            <numerusform>%n held spot released to newcomers: unclaimed for the set time</numerusform>
            <numerusform>%n held spots released to newcomers: unclaimed for the set time</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n held spot(s) went to a new offer round</source>
        <translation>
            <numerusform>%n held spot went to a new offer round</numerusform>
            <numerusform>%n held spots went to a new offer round</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n held spot(s) removed: capacity lowered</source>
        <translation>
            <numerusform>%n held spot removed: capacity lowered</numerusform>
            <numerusform>%n held spots removed: capacity lowered</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n held spot(s) became free: the application was closed</source>
        <translation>
            <numerusform>%n held spot became free: the application was closed</numerusform>
            <numerusform>%n held spots became free: the application was closed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n held spot(s) became free: fewer people are waiting</source>
        <translation>
            <numerusform>%n held spot became free: fewer people are waiting</numerusform>
            <numerusform>%n held spots became free: fewer people are waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+109"/>
        <source>application created with %n spot(s)</source>
        <translation>
            <numerusform>application created with %n spot</numerusform>
            <numerusform>application created with %n spots</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>application published with %n spot(s)</source>
        <translation>
            <numerusform>application published with %n spot</numerusform>
            <numerusform>application published with %n spots</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+54"/>
        <source>the coordinator offered %n held spot(s) to the waitlist again</source>
        <translation>
            <numerusform>the coordinator offered %n held spot to the waitlist again</numerusform>
            <numerusform>the coordinator offered %n held spots to the waitlist again</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message numerus="yes">
        <location filename="../../gui/detail_panel.py" line="+470"/>
        <source>%n spot(s) held since %1;</source>
        <translation>
            <numerusform>%n spot held since %1;</numerusform>
            <numerusform>%n spots held since %1;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n volunteer(s) offered, %1 still open.</source>
        <translation>
            <numerusform>%n volunteer offered, %1 still open.</numerusform>
            <numerusform>%n volunteers offered, %1 still open.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>%n spot(s) held for the waitlist, unclaimed since %1: the next accepted response from the waitlist takes one.</source>
        <translation>
            <numerusform>%n spot held for the waitlist, unclaimed since %1: the next accepted response from the waitlist takes it.</numerusform>
            <numerusform>%n spots held for the waitlist, unclaimed since %1: the next accepted responses from the waitlist take them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DirectoryDialog</name>
    <message numerus="yes">
        <location filename="../../gui/directory_view.py" line="+417"/>
        <source>Imported %n volunteer(s)</source>
        <translation>
            <numerusform>Imported %n volunteer</numerusform>
            <numerusform>Imported %n volunteers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HandActions</name>
    <message numerus="yes">
        <location filename="../../gui/hand_actions.py" line="+577"/>
        <source>Offer the %n spot(s) held unclaimed in «%1» to the waitlist again? The volunteers offered are told a spot is available.</source>
        <translation>
            <numerusform>Offer the %n spot held unclaimed in «%1» to the waitlist again? The volunteers offered are told a spot is available.</numerusform>
            <numerusform>Offer the %n spots held unclaimed in «%1» to the waitlist again? The volunteers offered are told a spot is available.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>Give the %n spot(s) held unclaimed in «%1» to newcomers? They become free spots; the waitlist keeps its places.</source>
        <translation>
            <numerusform>Give the %n spot held unclaimed in «%1» to newcomers? It becomes a free spot; the waitlist keeps its places.</numerusform>
            <numerusform>Give the %n spots held unclaimed in «%1» to newcomers? They become free spots; the waitlist keeps its places.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <location filename="../../gui/directory_view.py" line="-258"/>
        <source>%1: %2 to import (%3 new, %4 updated), %n line(s) refused</source>
        <translation>
            <numerusform>%1: %2 to import (%3 new, %4 updated), %n line refused</numerusform>
            <numerusform>%1: %2 to import (%3 new, %4 updated), %n lines refused</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="+781"/>
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n message waiting to be sent</numerusform>
            <numerusform>%n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>%n action(s) waiting</source>
        <translation>
            <numerusform>%n action waiting</numerusform>
            <numerusform>%n actions waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+229"/>
        <source>The %n open offer(s) are withdrawn: those volunteers are told they were not selected and stay on the waitlist.</source>
        <translation>
            <numerusform>The %n open offer is withdrawn: that volunteer is told they were not selected and stays on the waitlist.</numerusform>
            <numerusform>The %n open offers are withdrawn: those volunteers are told they were not selected and stay on the waitlist.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>Remind the %n signed-up volunteer(s) of «%1» who have not confirmed, and ask them to confirm?</source>
        <translation>
            <numerusform>Remind the %n signed-up volunteer of «%1» who has not confirmed, and ask them to confirm?</numerusform>
            <numerusform>Remind the %n signed-up volunteers of «%1» who have not confirmed, and ask them to confirm?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageLogView</name>
    <message numerus="yes">
        <location filename="../../gui/log_view.py" line="+266"/>
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message numerus="yes">
        <location filename="../../gui/numbers_view.py" line="+110"/>
        <source>%n freed spot(s), none refilled</source>
        <translation>
            <numerusform>%n freed spot, not refilled</numerusform>
            <numerusform>%n freed spots, none refilled</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectedView</name>
    <message numerus="yes">
        <location filename="../../gui/log_view.py" line="+44"/>
        <source>%n message(s) could not be processed. They changed nothing and are kept here so the sender can be told what to fix.</source>
        <translation>
            <numerusform>%n message could not be processed. It changed nothing and is kept here so the sender can be told what to fix.</numerusform>
            <numerusform>%n messages could not be processed. They changed nothing and are kept here so the sender can be told what to fix.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VolunteerHistoryDialog</name>
    <message numerus="yes">
        <location filename="../../gui/volunteer_view.py" line="+254"/>
        <source>%1: %n decision(s)</source>
        <translation>
            <numerusform>%1: %n decision</numerusform>
            <numerusform>%1: %n decisions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>on %n application(s), newest first.</source>
        <translation>
            <numerusform>on %n application, newest first.</numerusform>
            <numerusform>on %n applications, newest first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message numerus="yes">
        <location filename="../../gui/hand_actions.py" line="-471"/>
        <source>%n spot(s) free.</source>
        <translation>
            <numerusform>%n spot free.</numerusform>
            <numerusform>%n spots free.</numerusform>
        </translation>
    </message>
</context>
</TS>
