<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name></name>
    <message>
        <location filename="../../gui/display.py" line="+123"/>
        <source>draft</source>
        <translation>черновик</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>open</source>
        <translation>открыта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>closed</source>
        <translation>закрыта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>отменена</translation>
    </message>
    <message>
        <location filename="../../gui/models.py" line="+57"/>
        <source>offered</source>
        <translation>предложено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>claimed</source>
        <translation>занял место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not selected</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>withdrew</source>
        <translation>отказался</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>passed on</source>
        <translation>передано следующему</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>removed</source>
        <translation>исключён</translation>
    </message>
    <message>
        <location line="+765"/>
        <source>Message that caused it: %1</source>
        <translation>Сообщение, которое к этому привело: %1</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="+72"/>
        <source>Park clean-up</source>
        <translation>Уборка парка</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Litter picking along the pond; gloves and bags provided.</source>
        <translation>Собираем мусор вдоль пруда; перчатки и мешки выдадим.</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Unexpected error</source>
        <translation>Непредвиденная ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The details are in the log. Your data is safe.</source>
        <translation>Подробности записаны в журнал. Ваши данные в сохранности.</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Demo: %1 volunteers are answering over the broker</source>
        <translation>Демонстрация: %1 волонтёров откликаются через брокер</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Demo volunteers stopped: %1</source>
        <translation>Демо-волонтёры остановлены: %1</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Demo: every volunteer has had an answer</source>
        <translation>Демонстрация: все волонтёры получили ответ</translation>
    </message>
</context>
<context>
    <name>Activity</name>
    <message>
        <location filename="../../gui/display.py" line="+15"/>
        <source>coordinator</source>
        <translation>координатор</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>timer</source>
        <translation>таймер</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>volunteer</source>
        <translation>волонтёр</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>volunteer %1</source>
        <translation>волонтёр %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>nobody left on the waitlist to offer the spot to</source>
        <translation>в листе ожидания не осталось никого, кому можно предложить место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>everyone who was offered the spot withdrew</source>
        <translation>все, кому предложили место, отказались</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nobody claimed the spot before the offer expired</source>
        <translation>никто не принял место до истечения срока</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every offered spot was claimed</source>
        <translation>все предложенные места заняты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>capacity lowered, no spot left to offer</source>
        <translation>число мест уменьшено, предлагать больше нечего</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>capacity lowered, the offer was withdrawn</source>
        <translation>число мест уменьшено, предложение отозвано</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>the coordinator gave the held spot to a volunteer</source>
        <translation>координатор отдал удержанное место волонтёру</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the application was closed</source>
        <translation>заявка закрыта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the application was cancelled</source>
        <translation>заявка отменена</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>promoted from the waitlist by the coordinator</source>
        <translation>координатор перевёл из листа ожидания</translation>
    </message>
    <message>
        <location line="+163"/>
        <source>waitlisted: no free spot, number %1 in line</source>
        <translation>в листе ожидания: мест нет, %1-й в очереди</translation>
    </message>
    <message>
        <location line="-157"/>
        <source>offered a freed spot until %1</source>
        <translation>предложено освободившееся место до %1</translation>
    </message>
    <message>
        <location line="+167"/>
        <source>withdrew: left the roster, a spot freed</source>
        <translation>отказался: ушёл из списка, место освободилось</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>left the waitlist</source>
        <translation>ушёл из листа ожидания</translation>
    </message>
    <message>
        <location line="-183"/>
        <source>not selected</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location line="+177"/>
        <source>offer expired: not claimed in time, passed on</source>
        <translation>предложение истекло: не ответил вовремя, место предложено следующему</translation>
    </message>
    <message numerus="yes">
        <location line="-150"/>
        <source>offer round opened: %n spot(s) offered in turn</source>
        <translation>
            <numerusform>открыт раунд предложений: %n место предлагается по очереди</numerusform>
            <numerusform>открыт раунд предложений: %n места предлагаются по очереди</numerusform>
            <numerusform>открыт раунд предложений: %n мест предлагается по очереди</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>offer round opened: %n spot(s) offered to the whole waitlist</source>
        <translation>
            <numerusform>открыт раунд предложений: %n место предложено всему листу ожидания</numerusform>
            <numerusform>открыт раунд предложений: %n места предложены всему листу ожидания</numerusform>
            <numerusform>открыт раунд предложений: %n мест предложено всему листу ожидания</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>offer round closed</source>
        <translation>раунд предложений закрыт</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>; %n held spot(s) became free</source>
        <translation>
            <numerusform>; освободилось %n удержанное место</numerusform>
            <numerusform>; освободились %n удержанных места</numerusform>
            <numerusform>; освободилось %n удержанных мест</numerusform>
        </translation>
    </message>
    <message>
        <location line="+131"/>
        <source>signed up: took a free spot</source>
        <translation>записан: занял свободное место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>signed up: claimed the offered spot</source>
        <translation>записан: принял предложенное место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>signed up: moved up from the waitlist automatically</source>
        <translation>записан: автоматически переведён из листа ожидания</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>ignored: withdrawal from someone neither signed up nor waiting</source>
        <translation>без изменений: отказ от того, кто не был ни записан, ни в листе ожидания</translation>
    </message>
    <message>
        <location line="-116"/>
        <source>response to a closed application; nothing changed</source>
        <translation>отклик на закрытую заявку; ничего не изменилось</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>response to a cancelled application; nothing changed</source>
        <translation>отклик на отменённую заявку; ничего не изменилось</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>withdrawal from a closed application; nothing changed</source>
        <translation>отказ от закрытой заявки; ничего не изменилось</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>withdrawal from a cancelled application; nothing changed</source>
        <translation>отказ от отменённой заявки; ничего не изменилось</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>capacity changed from %1 to %2</source>
        <translation>число мест изменено: было %1, стало %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>removed from the roster by the coordinator; a spot freed</source>
        <translation>координатор исключил из списка записавшихся; место освободилось</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>removed from the waitlist by the coordinator</source>
        <translation>координатор исключил из листа ожидания</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>application closed: later responses are told it is closed</source>
        <translation>заявка закрыта: на новые отклики ответим, что она закрыта</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>application reopened for responses</source>
        <translation>заявка снова открыта для откликов</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>application cancelled; told %1 signed up and %2 waiting</source>
        <translation>заявка отменена; сообщили записавшимся (%1) и ожидающим (%2)</translation>
    </message>
    <message numerus="yes">
        <location line="-37"/>
        <source>application created with %n spot(s)</source>
        <translation>
            <numerusform>заявка создана, мест: %n</numerusform>
            <numerusform>заявка создана, мест: %n</numerusform>
            <numerusform>заявка создана, мест: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>application published with %n spot(s)</source>
        <translation>
            <numerusform>заявка опубликована, мест: %n</numerusform>
            <numerusform>заявка опубликована, мест: %n</numerusform>
            <numerusform>заявка опубликована, мест: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="-88"/>
        <source>name</source>
        <translation>название</translation>
    </message>
    <message>
        <location line="-127"/>
        <source>coordinator %1</source>
        <translation>координатор %1</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>the coordinator gave a held spot to another volunteer</source>
        <translation>координатор отдал удержанное место другому волонтёру</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>promoted by the coordinator into a held spot</source>
        <translation>переведён координатором на удержанное место</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>promoted by the coordinator into the spot offered to them</source>
        <translation>переведён координатором на предложенное ему место</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the coordinator offered a spot to volunteer %1</source>
        <translation>координатор предложил место волонтёру %1</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>; %n unclaimed spot(s) stay held for the waitlist</source>
        <translation>
            <numerusform>; %n непринятое место остаётся за листом ожидания</numerusform>
            <numerusform>; %n непринятых места остаются за листом ожидания</numerusform>
            <numerusform>; %n непринятых мест остаются за листом ожидания</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n held spot(s) released to newcomers by the coordinator</source>
        <translation>
            <numerusform>координатор отдал новым откликам %n удержанное место</numerusform>
            <numerusform>координатор отдал новым откликам %n удержанных места</numerusform>
            <numerusform>координатор отдал новым откликам %n удержанных мест</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n held spot(s) released to newcomers: unclaimed for the set time</source>
        <translation>
            <numerusform>%n удержанное место отдано новым откликам: никто не принял его за заданное время</numerusform>
            <numerusform>%n удержанных места отданы новым откликам: никто не принял их за заданное время</numerusform>
            <numerusform>%n удержанных мест отданы новым откликам: никто не принял их за заданное время</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n held spot(s) went to a new offer round</source>
        <translation>
            <numerusform>%n удержанное место перешло в новый раунд предложений</numerusform>
            <numerusform>%n удержанных места перешли в новый раунд предложений</numerusform>
            <numerusform>%n удержанных мест перешли в новый раунд предложений</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n held spot(s) removed: capacity lowered</source>
        <translation>
            <numerusform>%n удержанное место убрано: число мест уменьшено</numerusform>
            <numerusform>%n удержанных места убраны: число мест уменьшено</numerusform>
            <numerusform>%n удержанных мест убраны: число мест уменьшено</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n held spot(s) became free: the application was closed</source>
        <translation>
            <numerusform>%n удержанное место освободилось: заявка закрыта</numerusform>
            <numerusform>%n удержанных места освободились: заявка закрыта</numerusform>
            <numerusform>%n удержанных мест освободились: заявка закрыта</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n held spot(s) became free: fewer people are waiting</source>
        <translation>
            <numerusform>%n удержанное место освободилось: ждущих стало меньше</numerusform>
            <numerusform>%n удержанных места освободились: ждущих стало меньше</numerusform>
            <numerusform>%n удержанных мест освободились: ждущих стало меньше</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>confirmation for a cancelled application; nothing changed</source>
        <translation>подтверждение для отменённой заявки; ничего не изменилось</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>description</source>
        <translation>описание</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>date</source>
        <translation>дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>start</source>
        <translation>начало</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>end</source>
        <translation>окончание</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>details changed</source>
        <translation>изменены данные заявки</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>marked no-show: did not come</source>
        <translation>отмечен как неявка: не пришёл</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>marked late: arrived at %1; %2 h served</source>
        <translation>отмечено опоздание: пришёл в %1; отработано %2 ч</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>marked arrived at %1; %2 h served</source>
        <translation>отмечен приход в %1; отработано %2 ч</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h</source>
        <translation>%1 ч</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>reminded by the coordinator; asked to confirm by %1</source>
        <translation>координатор отправил напоминание; просим подтвердить до %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>reminded %1 before the shift; asked to confirm by %2</source>
        <translation>напоминание за %1 до смены; просим подтвердить до %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>did not confirm by %1: released from the roster, a spot freed</source>
        <translation>не подтвердил до %1: исключён из списка, место освободилось</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>did not confirm by %1: kept on the roster</source>
        <translation>не подтвердил до %1: остаётся в списке</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>reminders %1 before the shift</source>
        <translation>напоминания за %1 до смены</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no reminders</source>
        <translation>без напоминаний</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>confirm %1 before the start, or the spot is released</source>
        <translation>подтвердить за %1 до начала, иначе место освобождается</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>confirm %1 before the start; the unconfirmed are kept</source>
        <translation>подтвердить за %1 до начала; неподтвердившие остаются</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>moved on the waitlist by the coordinator from %1 to %2: %3</source>
        <translation>координатор переместил в листе ожидания с %1-го на %2-е место: %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>signed up by the coordinator (walk-in or phone); over capacity</source>
        <translation>записан координатором (пришёл сам или позвонил); сверх числа мест</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signed up by the coordinator (walk-in or phone)</source>
        <translation>записан координатором (пришёл сам или позвонил)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signed up: took a spot held for the waitlist</source>
        <translation>записан: занял место, удержанное за листом ожидания</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>the coordinator offered %n held spot(s) to the waitlist again</source>
        <translation>
            <numerusform>координатор снова предложил листу ожидания %n удержанное место</numerusform>
            <numerusform>координатор снова предложил листу ожидания %n удержанных места</numerusform>
            <numerusform>координатор снова предложил листу ожидания %n удержанных мест</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>unclaimed held spots are released after %1 min</source>
        <translation>непринятые удержанные места отдаются новым откликам через %1 мин</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>unclaimed held spots are kept until the coordinator decides</source>
        <translation>непринятые удержанные места ждут решения координатора</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>policy changed: %1; offers last %2 min</source>
        <translation>порядок изменён: %1; предложение действует %2 мин</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>hours served changed from %1 to %2</source>
        <translation>отработанные часы изменены с %1 на %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>attendance mark taken back (was %1)</source>
        <translation>отметка о явке отменена (было: %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>undone by the coordinator: %1</source>
        <translation>координатор отменил действие: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>confirmed they are coming (after the confirm-by time)</source>
        <translation>подтвердил, что придёт (после срока подтверждения)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>confirmed they are coming</source>
        <translation>подтвердил, что придёт</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ignored: confirmation from someone who is not signed up</source>
        <translation>без изменений: подтверждение от того, кто не записан</translation>
    </message>
</context>
<context>
    <name>AppDialog</name>
    <message>
        <location filename="../../gui/app_dialog.py" line="+144"/>
        <source>New application</source>
        <translation>Новая заявка</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit</source>
        <translation>Изменение заявки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. Park clean-up</source>
        <translation>например, уборка парка</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Offer to the whole waitlist (first to claim)</source>
        <translation>Предложить всему листу ожидания (кто первый откликнется)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promote the first in line automatically</source>
        <translation>Автоматически записывать первого в очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offer in turn, one volunteer at a time</source>
        <translation>Предлагать по очереди, одному волонтёру за раз</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hours before the start at which every signed-up volunteer is reminded and asked to confirm, separated by commas (e.g. 48, 2); empty: no reminders</source>
        <translation>За сколько часов до начала напомнить каждому записавшемуся и попросить подтвердить участие, через запятую (например, 48, 2); пусто — без напоминаний</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> h before the start</source>
        <translation> ч до начала</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep them, marked «not confirmed»</source>
        <translation>Оставить с пометкой «не подтвердил»</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release the spot to the waitlist</source>
        <translation>Отдать место листу ожидания</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Name</source>
        <translation>&amp;Название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Descr&amp;iption</source>
        <translation>&amp;Описание</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D&amp;ate</source>
        <translation>&amp;Дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Starts at</source>
        <translation>Нача&amp;ло</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Ends at</source>
        <translation>О&amp;кончание</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spo&amp;ts</source>
        <translation>&amp;Мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;When a spot frees</source>
        <translation>Ко&amp;гда освобождается место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Offer lasts</source>
        <translation>П&amp;редложение действует</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reminders, h before</source>
        <translation>Н&amp;апоминания (ч до начала)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm &amp;by</source>
        <translation>Подтвердить &amp;за</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If not confir&amp;med</source>
        <translation>Если н&amp;е подтвердил</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Create and &amp;publish</source>
        <translation>Создать и о&amp;публиковать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save as &amp;draft</source>
        <translation>Сохранить &amp;черновик</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Ends the next day</source>
        <translation>Заканчивается на следующий день</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The end must differ from the start (an earlier end is the next day)</source>
        <translation>Конец должен отличаться от начала (более раннее время конца — это следующий день)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A whole number from 1 to %1</source>
        <translation>Целое число от 1 до %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A whole number of minutes from 1 to %1</source>
        <translation>Целое число минут от 1 до %1</translation>
    </message>
    <message>
        <location line="-137"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>A name is required</source>
        <translation>Укажите название</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>At most %1 characters</source>
        <translation>Не более %1 символов</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The date is in the past (today is %1)</source>
        <translation>Дата уже прошла (сегодня %1)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This shift is already over (it is %1 now)</source>
        <translation>Эта смена уже закончилась (сейчас %1)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 volunteers are signed up; remove some first</source>
        <translation>Записано волонтёров: %1; сначала исключите лишних</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Up to %1 whole numbers of hours from 1 to %2, separated by commas</source>
        <translation>До %1 целых чисел часов от 1 до %2 через запятую</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>To release those who do not confirm, confirm-by must come after the first reminder</source>
        <translation>Чтобы освобождать места неподтвердивших, срок подтверждения должен наступать после первого напоминания</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A whole number of hours from 0 to %1</source>
        <translation>Целое число часов от 0 до %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose one of the listed options</source>
        <translation>Выберите один из вариантов</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Save changes</source>
        <translation>Сохранить изменения</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the changes to «%1»? Volunteers are told the new details (and any freed spot is offered to the waitlist).</source>
        <translation>Сохранить изменения в «%1»? Волонтёры узнают новые данные (а освободившиеся места будут предложены листу ожидания).</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The application could not be saved</source>
        <translation>Не удалось сохранить заявку</translation>
    </message>
</context>
<context>
    <name>Attendance</name>
    <message>
        <location filename="../../gui/display.py" line="-164"/>
        <source>arrived</source>
        <translation>пришёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>late</source>
        <translation>опоздал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no-show</source>
        <translation>не пришёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expected</source>
        <translation>ожидается</translation>
    </message>
</context>
<context>
    <name>CapacityDialog</name>
    <message>
        <location filename="../../gui/app_dialog.py" line="+38"/>
        <source>Capacity</source>
        <translation>Число мест</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Spots for «%1» (%2 signed up):</source>
        <translation>Мест в «%1» (записано %2):</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1 volunteers are signed up: remove some first, or keep at least %1 spots</source>
        <translation>Записано волонтёров: %1. Сначала исключите кого-то или оставьте не меньше %1 мест</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A whole number from 1 to %1</source>
        <translation>Целое число от 1 до %1</translation>
    </message>
</context>
<context>
    <name>CheckinDialog</name>
    <message>
        <location filename="../../gui/checkin_view.py" line="+192"/>
        <source>Check-in</source>
        <translation>Отметка явки</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Type an id or a name; Enter marks arrived</source>
        <translation>Введите ID или имя; Enter отмечает приход</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Arrived</source>
        <translation>Пришёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Late</source>
        <translation>Опоздал</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No-show</source>
        <translation>Не пришёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hours…</source>
        <translation>Часы…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take back</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+203"/>
        <source>Walk-in</source>
        <translation>Без записи</translation>
    </message>
    <message>
        <location line="-187"/>
        <source>Up and Down choose among the people found; Enter marks arrived. A time after the name (anna 10:25) is the arrival, as on a paper sheet. An id that is not on the roster signs up a walk-in.</source>
        <translation>Стрелки вверх и вниз выбирают среди найденных; Enter отмечает приход. Время после имени (анна 10:25) — время прихода, как на бумажном листе. ID, которого нет в составе, записывает пришедшего без записи.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The application is gone</source>
        <translation>Этой заявки больше нет</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>came %1 · no-show %2 · expected %3 · %4 h</source>
        <translation>пришли %1 · не пришли %2 · ожидаются %3 · %4 ч</translation>
    </message>
    <message>
        <location line="+61"/>
        <location line="+31"/>
        <source>Type an id or a name first.</source>
        <translation>Сначала введите ID или имя.</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Nothing is recorded for this row.</source>
        <translation>Для этой строки ничего не отмечено.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Mark them arrived or late first; then their hours can change.</source>
        <translation>Сначала отметьте приход или опоздание; потом можно изменить часы.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Hours as 3, 3.5 or 3:30, from 0 to 24 (not %1)</source>
        <translation>Часы — как 3, 3,5 или 3:30, от 0 до 24 (а не %1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Type the walk-in&apos;s volunteer id first.</source>
        <translation>Сначала введите ID волонтёра, пришедшего без записи.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Several people in the directory match; type the id.</source>
        <translation>В справочнике подходят несколько человек; введите ID.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is on the roster already.</source>
        <translation>%1 уже в составе.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No free spot</source>
        <translation>Нет свободного места</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All %1 spots are taken. Sign up %2 over capacity? One spot is added for them (logged), and they are told «записан».</source>
        <translation>Все места (%1) заняты. Записать %2 сверх мест? Для него добавится одно место (это попадёт в журнал), и ему придёт «записан».</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sign up %1 as a walk-in and mark them arrived? They are told «записан».</source>
        <translation>Записать %1 без предварительной записи и отметить приход? Ему придёт «записан».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 was not signed up.</source>
        <translation>%1 не записан.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>walk-in, arrived</source>
        <translation>без записи, пришёл</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <location filename="../../gui/detail_panel.py" line="+93"/>
        <source>Signed up</source>
        <translation>Записаны</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free</source>
        <translation>Свободно</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+29"/>
        <source>Waitlist</source>
        <translation>Лист ожидания</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Held for offers</source>
        <translation>Удержано для предложения</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Roster</source>
        <translation>Записавшиеся</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Offer round</source>
        <translation>Предложение мест</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Activity: every decision and its cause</source>
        <translation>Журнал: каждое решение и его причина</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>Select an application on the left, or create one (Ctrl+N).</source>
        <translation>Выберите заявку слева или создайте новую (Ctrl+N).</translation>
    </message>
    <message>
        <location line="+151"/>
        <source>%1 · %2 · %3 · offers last %4 min · id %5</source>
        <translation>%1 · %2 · %3 · предложение действует %4 мин · ID %5</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Roster (%1)</source>
        <translation>Запи&amp;савшиеся (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wait&amp;list (%1)</source>
        <translation>&amp;Лист ожидания (%1)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No offer round is open.</source>
        <translation>Сейчас места никому не предлагаются.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n spot(s) held since %1;</source>
        <translation>
            <numerusform>Удержано мест: %n с %1;</numerusform>
            <numerusform>Удержано мест: %n с %1;</numerusform>
            <numerusform>Удержано мест: %n с %1;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n volunteer(s) offered, %1 still open.</source>
        <translation>
            <numerusform>предложено волонтёрам: %n, ждут ответа: %1.</numerusform>
            <numerusform>предложено волонтёрам: %n, ждут ответа: %1.</numerusform>
            <numerusform>предложено волонтёрам: %n, ждут ответа: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>%n spot(s) held for the waitlist, unclaimed since %1: the next accepted response from the waitlist takes one.</source>
        <translation>
            <numerusform>%n место удержано за листом ожидания, не принято с %1: его займёт следующий отклик из листа ожидания.</numerusform>
            <numerusform>%n места удержаны за листом ожидания, не приняты с %1: их займут следующие отклики из листа ожидания.</numerusform>
            <numerusform>%n мест удержаны за листом ожидания, не приняты с %1: их займут следующие отклики из листа ожидания.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Closing…</source>
        <translation>Завершается…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Closes in %1</source>
        <translation>Завершится через %1</translation>
    </message>
</context>
<context>
    <name>Directory</name>
    <message>
        <location filename="../../gui/directory_view.py" line="+38"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>Заметки</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Required</source>
        <translation>Обязательное поле</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most %1 characters</source>
        <translation>Не более %1 символов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No spaces at the ends and no control characters</source>
        <translation>Без пробелов по краям и без управляющих символов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Digits, spaces and + ( ) - . / only</source>
        <translation>Только цифры, пробелы и + ( ) - . /</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 digits; a phone number has 5 to 15</source>
        <translation>Цифр: %1; в номере телефона их от 5 до 15</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The same id is on line %1</source>
        <translation>Этот ID уже есть в строке %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The first line must name the columns id and name (phone, notes optional); found %1</source>
        <translation>В первой строке должны быть названия столбцов: id и имя (телефон и заметки — по желанию); найдено: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The file is empty</source>
        <translation>Файл пуст</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unreadable CSV: %1</source>
        <translation>Не удаётся прочитать CSV: %1</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>updates the entry</source>
        <translation>обновит запись</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>new</source>
        <translation>новая</translation>
    </message>
</context>
<context>
    <name>DirectoryDialog</name>
    <message>
        <location line="+101"/>
        <source>Volunteers directory</source>
        <translation>Справочник волонтёров</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Search by id, name or phone</source>
        <translation>Поиск по ID, имени или телефону</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>e.g. +7 900 123-45-67</source>
        <translation>например, +7 900 123-45-67</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;New</source>
        <translation>&amp;Новая запись</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save</source>
        <translation>&amp;Сохранить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Import CSV…</source>
        <translation>&amp;Импорт из CSV…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;History…</source>
        <translation>Ист&amp;ория…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Names and phones stay on this computer: messages to volunteers carry the id only.</source>
        <translation>Имена и телефоны остаются на этом компьютере: в сообщениях волонтёрам передаётся только ID.</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Save volunteer</source>
        <translation>Сохранение волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Delete volunteer</source>
        <translation>Удаление волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleted %1</source>
        <translation>Удалено: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+21"/>
        <source>Import volunteers</source>
        <translation>Импорт волонтёров</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>CSV files (*.csv *.txt)</source>
        <translation>Файлы CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not read %1: %2</source>
        <translation>Не удалось прочитать %1: %2</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>Imported %n volunteer(s)</source>
        <translation>
            <numerusform>Импортирован %n волонтёр</numerusform>
            <numerusform>Импортировано %n волонтёра</numerusform>
            <numerusform>Импортировано %n волонтёров</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DuplicateDialog</name>
    <message>
        <location filename="../../gui/hand_actions.py" line="+202"/>
        <source>Duplicate application</source>
        <translation>Дублировать заявку</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy «%1» (time, spots, policy) as a draft on another day. Nobody is told until you publish it.</source>
        <translation>Скопировать «%1» (время, места, порядок) черновиком на другой день. Волонтёры ничего не узнают, пока вы её не опубликуете.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Date:</source>
        <translation>&amp;Дата:</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The date is in the past</source>
        <translation>Эта дата уже прошла</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../gui/export.py" line="+22"/>
        <source>offered, waiting for an answer</source>
        <translation>предложено, ждём ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>claimed</source>
        <translation>занял место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>passed on (not claimed in time)</source>
        <translation>передано следующему (не ответил вовремя)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not selected</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>withdrawn</source>
        <translation>отказался</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>removed</source>
        <translation>исключён</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Application</source>
        <translation>Заявка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date and time</source>
        <translation>Дата и время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List</source>
        <translation>Список</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Position</source>
        <translation>Позиция</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Volunteer id</source>
        <translation>ID волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Since</source>
        <translation>С</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offer state</source>
        <translation>Предложение</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>roster</source>
        <translation>записан</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>waitlist</source>
        <translation>лист ожидания</translation>
    </message>
</context>
<context>
    <name>HandActions</name>
    <message>
        <location filename="../../gui/hand_actions.py" line="+14"/>
        <source>Sign &amp;up by hand…</source>
        <translation>Записать &amp;вручную…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign up a walk-in or a phone call by volunteer id</source>
        <translation>Записать пришедшего лично или позвонившего по ID волонтёра</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Offer a spot…</source>
        <translation>&amp;Предложить место…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offer one spot to the selected waitlisted volunteer, ahead of the line</source>
        <translation>Предложить одно место выбранному волонтёру из листа ожидания вне очереди</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Move on the waitlist…</source>
        <translation>Пере&amp;местить в очереди…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the selected waitlisted volunteer, with a reason</source>
        <translation>Переместить выбранного волонтёра в листе ожидания, указав причину</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Duplica&amp;te…</source>
        <translation>&amp;Дублировать…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy this application as a draft on another day</source>
        <translation>Скопировать эту заявку черновиком на другой день</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete dra&amp;ft</source>
        <translation>&amp;Удалить черновик</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete a draft nobody has been told about</source>
        <translation>Удалить черновик, о котором волонтёрам не сообщали</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Re-offer &amp;held spots</source>
        <translation>Пр&amp;едложить удержанные места снова</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offer the spots held unclaimed to the waitlist again</source>
        <translation>Снова предложить листу ожидания удержанные непринятые места</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Relea&amp;se held spots</source>
        <translation>Осво&amp;бодить удержанные места</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Give the spots held unclaimed to newcomers</source>
        <translation>Отдать удержанные непринятые места новым откликам</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+139"/>
        <source>&amp;Undo</source>
        <translation>&amp;Отменить</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+141"/>
        <source>Nothing to undo</source>
        <translation>Отменять нечего</translation>
    </message>
    <message>
        <location line="-136"/>
        <source>&amp;Edit</source>
        <translation>&amp;Правка</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Re-offer</source>
        <translation>Предложить снова</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release</source>
        <translation>Освободить</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>&amp;Undo %1</source>
        <translation>&amp;Отменить: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Put it back as it was, if nothing it told volunteers has been sent yet</source>
        <translation>Вернуть всё как было, если сообщения волонтёрам об этом ещё не отправлены</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Undone: %1</source>
        <translation>Отменено: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Signed up %1 by hand</source>
        <translation>%1 записан вручную</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Offer a spot</source>
        <translation>Предложить место</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Offer one spot of «%1» to %2 now, ahead of the line? They are told a spot is available; unclaimed in time, it passes to the next in line.</source>
        <translation>Предложить одно место в «%1» волонтёру %2 сейчас, вне очереди? Ему сообщат, что место доступно; если он не ответит вовремя, место перейдёт следующему в очереди.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Offered a spot to %1</source>
        <translation>Место предложено волонтёру %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Moved %1 to number %2 on the waitlist</source>
        <translation>%1 перемещён на %2-е место в листе ожидания</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Copied as a draft on %1: check it, then publish it</source>
        <translation>Скопировано черновиком на %1: проверьте и опубликуйте</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Delete draft</source>
        <translation>Удалить черновик</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the draft «%1»? Nobody was told about it.</source>
        <translation>Удалить черновик «%1»? Волонтёрам о нём не сообщали.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deleted the draft «%1»</source>
        <translation>Черновик «%1» удалён</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Re-offer held spots</source>
        <translation>Предложить удержанные места снова</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Offer the %n spot(s) held unclaimed in «%1» to the waitlist again? The volunteers offered are told a spot is available.</source>
        <translation>
            <numerusform>Снова предложить листу ожидания %n удержанное место в «%1»? Волонтёрам, которым его предложат, сообщат, что место доступно.</numerusform>
            <numerusform>Снова предложить листу ожидания %n удержанных места в «%1»? Волонтёрам, которым их предложат, сообщат, что место доступно.</numerusform>
            <numerusform>Снова предложить листу ожидания %n удержанных мест в «%1»? Волонтёрам, которым их предложат, сообщат, что место доступно.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Held spots offered again</source>
        <translation>Удержанные места предложены снова</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Release held spots</source>
        <translation>Освободить удержанные места</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Give the %n spot(s) held unclaimed in «%1» to newcomers? They become free spots; the waitlist keeps its places.</source>
        <translation>
            <numerusform>Отдать %n удержанное место в «%1» новым откликам? Оно станет свободным; лист ожидания сохранит свой порядок.</numerusform>
            <numerusform>Отдать %n удержанных места в «%1» новым откликам? Они станут свободными; лист ожидания сохранит свой порядок.</numerusform>
            <numerusform>Отдать %n удержанных мест в «%1» новым откликам? Они станут свободными; лист ожидания сохранит свой порядок.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Held spots released to newcomers</source>
        <translation>Удержанные места отданы новым откликам</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../gui/directory_view.py" line="-267"/>
        <source>Import volunteers</source>
        <translation>Импорт волонтёров</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%1: %2 to import (%3 new, %4 updated), %n line(s) refused</source>
        <translation>
            <numerusform>%1: к импорту %2 (новых — %3, обновлённых — %4), отклонена %n строка</numerusform>
            <numerusform>%1: к импорту %2 (новых — %3, обновлённых — %4), отклонены %n строки</numerusform>
            <numerusform>%1: к импорту %2 (новых — %3, обновлённых — %4), отклонено %n строк</numerusform>
        </translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Import %1</source>
        <translation>Импортировать (%1)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>To import</source>
        <translation>Будут импортированы</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refused (fix these lines in the file and import again)</source>
        <translation>Отклонены (исправьте эти строки в файле и импортируйте снова)</translation>
    </message>
</context>
<context>
    <name>LogModels</name>
    <message>
        <location filename="../../gui/log_models.py" line="+57"/>
        <source>Responses</source>
        <translation>Отклики</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting requests</source>
        <translation>Запросы в лист ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dead letters</source>
        <translation>Необработанные</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messages</source>
        <translation>Сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consumers</source>
        <translation>Получателей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In, msg/s</source>
        <translation>Вход, сообщ./с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Out, msg/s</source>
        <translation>Выход, сообщ./с</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Messages the console could not process; see Rejected.</source>
        <translation>Сообщения, которые консоль не смогла обработать; см. «Отклонённые сообщения».</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>in</source>
        <translation>входящее</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>out</source>
        <translation>исходящее</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>applied</source>
        <translation>применено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rejected</source>
        <translation>отклонено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ignored</source>
        <translation>пропущено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>duplicate</source>
        <translation>повтор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pending</source>
        <translation>ожидает отправки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>не отправлено</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Direction</source>
        <translation>Направление</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+103"/>
        <source>Exchange</source>
        <translation>Обменник</translation>
    </message>
    <message>
        <location line="-102"/>
        <location line="+103"/>
        <source>Routing key</source>
        <translation>Ключ маршрутизации</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bytes</source>
        <translation>Байт</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="+118"/>
        <source>Volunteer Console — fund %1</source>
        <translation>Консоль волонтёров — фонд %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>Открытые</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Full</source>
        <translation>Заполненные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Has waitlist</source>
        <translation>С листом ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Past</source>
        <translation>Прошедшие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>Отменённые</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Which applications the list shows</source>
        <translation>Какие заявки показывать в списке</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Applications</source>
        <translation>Заявки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Message log</source>
        <translation>Журнал сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queues</source>
        <translation>Очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected messages</source>
        <translation>Отклонённые сообщения</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>&amp;New application…</source>
        <translation>&amp;Новая заявка…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Create and publish a new application</source>
        <translation>Создать и опубликовать новую заявку</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change name, time, spots or policy</source>
        <translation>Изменить название, время, число мест или порядок предложения</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change &amp;capacity…</source>
        <translation>Изменить число &amp;мест…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Raise or lower the number of spots</source>
        <translation>Увеличить или уменьшить число мест</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remove volunteer</source>
        <translation>&amp;Исключить волонтёра</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the selected volunteer from the roster or the waitlist</source>
        <translation>Исключить выбранного волонтёра из списка записавшихся или листа ожидания</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Promote</source>
        <translation>&amp;Записать</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign up the selected waitlisted volunteer</source>
        <translation>Записать выбранного волонтёра из листа ожидания</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>P&amp;ublish</source>
        <translation>&amp;Опубликовать</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Announce a draft to volunteers</source>
        <translation>Объявить черновик волонтёрам</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stop taking responses; later ones are answered «closed»</source>
        <translation>Больше не принимать отклики; на поздние ответим «заявка закрыта»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Take responses again</source>
        <translation>Снова принимать отклики</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Re&amp;open signups</source>
        <translation>Открыть запись &amp;снова</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remind ever&amp;yone unconfirmed now…</source>
        <translation>&amp;Напомнить неподтвердившим сейчас…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remind every signed-up volunteer who has not confirmed yet</source>
        <translation>Напомнить всем записавшимся, кто ещё не подтвердил участие</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel: everyone signed up or waiting is told</source>
        <translation>Отменить: все записавшиеся и ожидающие получат уведомление</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;History…</source>
        <translation>И&amp;стория…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every decision about a volunteer, across the fund&apos;s applications</source>
        <translation>Все решения о волонтёре по всем заявкам фонда</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>E&amp;xport roster (CSV)…</source>
        <translation>&amp;Выгрузить список (CSV)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save the roster and waitlist as a CSV file</source>
        <translation>Сохранить списки записавшихся и ожидающих в файл CSV</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Settings…</source>
        <translation>Настро&amp;йки…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Broker, fund, language</source>
        <translation>Брокер, фонд, язык</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Find…</source>
        <translation>&amp;Найти…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Search the applications</source>
        <translation>Искать заявки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Application</source>
        <translation>&amp;Заявка</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Volunteer</source>
        <translation>&amp;Волонтёр</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Vie&amp;w</source>
        <translation>Ви&amp;д</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Applications</source>
        <translation>&amp;Заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Message log</source>
        <translation>&amp;Журнал сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Queues</source>
        <translation>&amp;Очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Rejected messages</source>
        <translation>Отклонённые &amp;сообщения</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>New</source>
        <translation>Новая</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spots</source>
        <translation>Места</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promote</source>
        <translation>Записать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Исключить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish</source>
        <translation>Опубликовать</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export</source>
        <translation>Выгрузить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Actions</source>
        <translation>Действия</translation>
    </message>
    <message>
        <location line="+241"/>
        <source>No application matches «%1».</source>
        <translation>Ни одна заявка не подходит под «%1».</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No application is under this filter.</source>
        <translation>Под этот фильтр не подходит ни одна заявка.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Broker: connected</source>
        <translation>Брокер: подключено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Broker: connecting…</source>
        <translation>Брокер: подключение…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Broker: reconnecting…</source>
        <translation>Брокер: переподключение…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused — the disk is full or cannot be written; responses wait on the broker</source>
        <translation>Пауза — диск заполнен или недоступен для записи; отклики ждут в брокере</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline — changes are saved and will be sent when the broker is back</source>
        <translation>Нет связи — изменения сохранены и будут отправлены, когда брокер станет доступен</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Broker: connected to %1</source>
        <translation>Брокер: подключено к %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Offline: cannot reach %1 (%2); retrying — changes are kept</source>
        <translation>Нет связи: %1 недоступен (%2); повторяем попытки — изменения сохранены</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the broker&apos;s certificate is not trusted: check the CA file in Settings</source>
        <translation>сертификат брокера не признан доверенным: проверьте файл CA в настройках</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the broker&apos;s certificate is for another host name</source>
        <translation>сертификат брокера выдан для другого имени хоста</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the secure connection (TLS) failed</source>
        <translation>не удалось установить защищённое соединение (TLS)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>user name or password refused</source>
        <translation>неверное имя или пароль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>connection refused</source>
        <translation>соединение отклонено</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unknown host</source>
        <translation>неизвестный хост</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>All messages sent</source>
        <translation>Все сообщения отправлены</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Deciding</source>
        <translation>Принимает решения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This console decides for the fund; the others follow it</source>
        <translation>Эта консоль принимает решения по фонду; остальные следуют за ней</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Following %1</source>
        <translation>Следует за %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another console</source>
        <translation>другой консолью</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>offline, as of %1</source>
        <translation>нет связи, данные на %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 s behind</source>
        <translation>отставание %1 с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another console decides for the fund; this one shows its decisions</source>
        <translation>Решения по фонду принимает другая консоль; эта показывает её решения</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The deciding console refused it: %1</source>
        <translation>Консоль, принимающая решения, отказала: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Done by the deciding console</source>
        <translation>Выполнено консолью, принимающей решения</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 responses/min</source>
        <translation>%1 откликов/мин</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+17"/>
        <source>Not done</source>
        <translation>Не выполнено</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Sent to the deciding console; waiting for its decision</source>
        <translation>Отправлено консоли, принимающей решения; ждём её решения</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Saved</source>
        <translation>Сохранено</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Lower capacity</source>
        <translation>Уменьшить число мест</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Remove volunteer</source>
        <translation>Исключить волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove %1 from «%2»? They will be told they were removed.</source>
        <translation>Исключить %1 из «%2»? Волонтёр получит уведомление об исключении.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Promote volunteer</source>
        <translation>Записать волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign up %1 for «%2» now? They will be told they are signed up.</source>
        <translation>Записать %1 в «%2» сейчас? Волонтёр получит уведомление о записи.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Close application</source>
        <translation>Закрыть заявку</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Close «%1»? Volunteers who respond later are told it is closed.</source>
        <translation>Закрыть «%1»? Тем, кто откликнется позже, ответим, что заявка закрыта.</translation>
    </message>
    <message>
        <location line="-899"/>
        <source>Search: name, date, volunteer id…</source>
        <translation>Поиск: название, дата, ID волонтёра…</translation>
    </message>
    <message>
        <location line="+187"/>
        <source>C&amp;lose signups</source>
        <translation>&amp;Закрыть запись</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Ca&amp;ncel application</source>
        <translation>О&amp;тменить заявку</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Close signups</source>
        <translation>Закрыть запись</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reopen signups</source>
        <translation>Открыть запись</translation>
    </message>
    <message numerus="yes">
        <location line="+361"/>
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n сообщение ждёт отправки</numerusform>
            <numerusform>%n сообщения ждут отправки</numerusform>
            <numerusform>%n сообщений ждут отправки</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>%n action(s) waiting</source>
        <translation>
            <numerusform>%n действие в ожидании</numerusform>
            <numerusform>%n действия в ожидании</numerusform>
            <numerusform>%n действий в ожидании</numerusform>
        </translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Created and published</source>
        <translation>Создана и опубликована</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved as a draft: publish it when it is ready</source>
        <translation>Сохранена как черновик: опубликуйте, когда будет готова</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Cannot lower «%1» to %2 spots: %3 volunteers are signed up; remove some first</source>
        <translation>Нельзя уменьшить «%1» до %2 мест: записано волонтёров: %3; сначала исключите кого-то</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Lower «%1» from %2 to %3 spots? Volunteers are told; volunteers holding offers may lose them.</source>
        <translation>Уменьшить «%1» с %2 до %3 мест? Волонтёры получат уведомление; у кого-то может пропасть предложение места.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Raise capacity</source>
        <translation>Увеличить число мест</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Raise «%1» from %2 to %3 spots? Volunteers are told, and the new spots are offered to the waitlist.</source>
        <translation>Увеличить «%1» с %2 до %3 мест? Волонтёры получат уведомление, новые места будут предложены листу ожидания.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Capacity of «%1» is now %2</source>
        <translation>Теперь в «%1» мест: %2</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Removed %1</source>
        <translation>%1 исключён(а)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Signed up %1</source>
        <translation>%1 записан(а)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Publish application</source>
        <translation>Опубликовать заявку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish «%1»? Volunteers are told about it and can sign up.</source>
        <translation>Опубликовать «%1»? Волонтёры узнают о ней и смогут записаться.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Published</source>
        <translation>Опубликована</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>The %n open offer(s) are withdrawn: those volunteers are told they were not selected and stay on the waitlist.</source>
        <translation>
            <numerusform>%n открытое предложение будет отозвано: волонтёр получит «не выбрал» и останется в листе ожидания.</numerusform>
            <numerusform>%n открытых предложения будут отозваны: волонтёры получат «не выбрал» и останутся в листе ожидания.</numerusform>
            <numerusform>%n открытых предложений будут отозваны: волонтёры получат «не выбрал» и останутся в листе ожидания.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Closed</source>
        <translation>Закрыта</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reopen application</source>
        <translation>Открыть заявку снова</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reopen «%1»? Volunteers are told it is open again, and its free spots are offered to the waitlist.</source>
        <translation>Снова открыть «%1»? Волонтёры получат уведомление, свободные места будут предложены листу ожидания.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reopened</source>
        <translation>Открыта снова</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Send reminder</source>
        <translation>Отправить напоминание</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Remind the %n signed-up volunteer(s) of «%1» who have not confirmed, and ask them to confirm?</source>
        <translation>
            <numerusform>Напомнить %n записавшемуся на «%1», кто не подтвердил участие, и попросить подтвердить?</numerusform>
            <numerusform>Напомнить %n записавшимся на «%1», кто не подтвердил участие, и попросить подтвердить?</numerusform>
            <numerusform>Напомнить %n записавшимся на «%1», кто не подтвердил участие, и попросить подтвердить?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reminder sent</source>
        <translation>Напоминание отправлено</translation>
    </message>
    <message>
        <location line="-652"/>
        <location line="+657"/>
        <source>Cancel application</source>
        <translation>Отменить заявку</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel «%1»? Everyone signed up or waiting is told it is cancelled. This cannot be undone.</source>
        <translation>Отменить «%1»? Все записавшиеся и ожидающие получат уведомление об отмене. Это действие нельзя отменить.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Application cancelled</source>
        <translation>Заявка отменена</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export roster</source>
        <translation>Выгрузка списка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not save %1: %2</source>
        <translation>Не удалось сохранить %1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Settings unchanged</source>
        <translation>Настройки не изменились</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Settings saved; broker and fund changes apply after a restart</source>
        <translation>Настройки сохранены; изменения брокера и фонда вступят в силу после перезапуска</translation>
    </message>
</context>
<context>
    <name>MessageLogView</name>
    <message>
        <location filename="../../gui/log_view.py" line="+144"/>
        <source>Application id</source>
        <translation>ID заявки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Volunteer id</source>
        <translation>ID волонтёра</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Filter:</source>
        <translation>Фильтр:</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Select a message to see its body.</source>
        <translation>Выберите сообщение, чтобы увидеть его содержимое.</translation>
    </message>
    <message>
        <location line="+108"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Direction</source>
        <translation>Направление</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exchange</source>
        <translation>Обменник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Routing key</source>
        <translation>Ключ маршрутизации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Application</source>
        <translation>Заявка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Volunteer</source>
        <translation>Волонтёр</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n сообщение</numerusform>
            <numerusform>%n сообщения</numerusform>
            <numerusform>%n сообщений</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of %2</source>
        <translation>%1 из %2</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <location filename="../../gui/hand_actions.py" line="-444"/>
        <source>Move on the waitlist</source>
        <translation>Переместить в листе ожидания</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Move %1 (now number %2 of %3) on the waitlist. Nobody is told; the move and its reason are kept in the activity.</source>
        <translation>Переместить %1 (сейчас %2-й из %3) в листе ожидания. Никому не сообщается; перемещение и его причина сохраняются в журнале действий.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>e.g. called to say they can come early</source>
        <translation>например, позвонил и сказал, что может прийти раньше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Position (1 is first):</source>
        <translation>&amp;Номер (1 — первый):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Причина:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>A position from 1 to %1</source>
        <translation>Номер от 1 до %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Say why: the reason is kept in the activity</source>
        <translation>Укажите причину: она сохраняется в журнале действий</translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message>
        <location filename="../../gui/numbers_view.py" line="+70"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 h %2 min</source>
        <translation>%1 ч %2 мин</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 d %2 h</source>
        <translation>%1 дн. %2 ч</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>understaffed</source>
        <translation>не хватает людей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>critical</source>
        <translation>критично</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>filled %1 (%2 of %3 spots)</source>
        <translation>заполнено %1 (%2 из %3 мест)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no spot freed</source>
        <translation>места не освобождались</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n freed spot(s), none refilled</source>
        <translation>
            <numerusform>освободилось %n место, не занято снова</numerusform>
            <numerusform>освободилось %n места, ни одно не занято снова</numerusform>
            <numerusform>освободилось %n мест, ни одно не занято снова</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>freed spots refilled in %1 (p50), %2 (p90)</source>
        <translation>освободившиеся места снова заняты за %1 (p50), %2 (p90)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>offers accepted %1</source>
        <translation>предложения приняты: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>confirmed %1</source>
        <translation>подтвердили: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no-show %1</source>
        <translation>не пришли: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h served</source>
        <translation>отработано %1 ч</translation>
    </message>
</context>
<context>
    <name>NumbersView</name>
    <message>
        <location line="+248"/>
        <source>&amp;Shifts of:</source>
        <translation>&amp;Смены за:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Understaffed: below 75 % of the spots filled; critical: below 50 %. Refill: from a freed spot to the next signup. No-show: of those marked at check-in.</source>
        <translation>Не хватает людей: занято меньше 75 % мест; критично: меньше 50 %. Замена: от освобождения места до следующей записи. Не пришли: среди отмеченных при отметке явки.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>All months</source>
        <translation>Все месяцы</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Filled, %1</source>
        <translation>Заполнено, %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Filled, %1: the %2 least filled of %3</source>
        <translation>Заполнено, %1: %2 наименее заполненных из %3</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Filled, by month</source>
        <translation>Заполнено, по месяцам</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No published applications yet.</source>
        <translation>Опубликованных заявок пока нет.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Hours served, by month</source>
        <translation>Отработано часов, по месяцам</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No hours recorded yet.</source>
        <translation>Отработанные часы ещё не отмечались.</translation>
    </message>
</context>
<context>
    <name>PaperMenu</name>
    <message>
        <location filename="../../gui/paper_menu.py" line="+28"/>
        <source>&amp;Volunteers directory…</source>
        <translation>&amp;Справочник волонтёров…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Import volunteers (CSV)…</source>
        <translation>&amp;Импорт волонтёров (CSV)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Print sign-in sheet…</source>
        <translation>&amp;Печать листа регистрации…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign-in sheet as P&amp;DF…</source>
        <translation>Лист регистрации в P&amp;DF…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export roster (E&amp;xcel)…</source>
        <translation>Экспорт списка (E&amp;xcel)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add to calenda&amp;r (.ics)…</source>
        <translation>Добавить в ка&amp;лендарь (.ics)…</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Could not save %1: %2</source>
        <translation>Не удалось сохранить %1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign-in sheet</source>
        <translation>Лист регистрации</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF files (*.pdf)</source>
        <translation>Файлы PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export roster</source>
        <translation>Экспорт списка</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Книги Excel (*.xlsx)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add to calendar</source>
        <translation>Добавить в календарь</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Calendar files (*.ics)</source>
        <translation>Файлы календаря (*.ics)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Print sign-in sheet</source>
        <translation>Печать листа регистрации</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../gui/i18n.py" line="+21"/>
        <source>&amp;Look in:</source>
        <translation>&amp;Папка:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files of &amp;type:</source>
        <translation>&amp;Тип файлов:</translation>
    </message>
</context>
<context>
    <name>QueueMonitor</name>
    <message>
        <location filename="../../gui/monitor.py" line="+94"/>
        <source>Offline: the broker is not connected, so queue figures are unknown.</source>
        <translation>Нет связи: брокер не подключён, поэтому состояние очередей неизвестно.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No queue figures yet.</source>
        <translation>Данных об очередях пока нет.</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../gui/display.py" line="+248"/>
        <source>name</source>
        <translation>название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>description</source>
        <translation>описание</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>date</source>
        <translation>дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>start</source>
        <translation>начало</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>end</source>
        <translation>конец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>spots</source>
        <translation>число мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>freed spots</source>
        <translation>освободившиеся места</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offer time</source>
        <translation>срок предложения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reminders</source>
        <translation>напоминания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>confirm by</source>
        <translation>срок подтверждения</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check these fields: %1</source>
        <translation>Проверьте поля: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>There is no application %1</source>
        <translation>Заявки %1 нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The application is cancelled</source>
        <translation>Заявка отменена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The application is already cancelled</source>
        <translation>Заявка уже отменена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The application is already published (%1)</source>
        <translation>Заявка уже опубликована (%1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only an open application can be closed; this one is %1</source>
        <translation>Закрыть можно только открытую заявку; эта заявка: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only a closed application can be reopened; this one is %1</source>
        <translation>Открыть снова можно только закрытую заявку; эта заявка: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not possible: the application is %1</source>
        <translation>Невозможно: заявка %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The number of spots must be between 1 and %1</source>
        <translation>Число мест должно быть от 1 до %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot lower the spots to %1: %2 volunteers are signed up; remove volunteers first</source>
        <translation>Нельзя уменьшить число мест до %1: записанных волонтёров больше (%2); сначала исключите кого-нибудь</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Volunteer %1 is neither signed up nor waiting</source>
        <translation>Волонтёр %1 не записан и не в листе ожидания</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Volunteer %1 is not on the waitlist</source>
        <translation>Волонтёра %1 нет в листе ожидания</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No free spot: raise the number of spots first</source>
        <translation>Нет свободного места: сначала увеличьте число мест</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown way to offer freed spots: %1</source>
        <translation>Неизвестный порядок для освободившихся мест: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The offer time must be between 1 and %1 minutes</source>
        <translation>Срок предложения должен быть от 1 до %1 минут</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No spot is held unclaimed for the waitlist</source>
        <translation>Нет мест, удержанных за листом ожидания</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only an open application can offer held spots again; this one is %1</source>
        <translation>Снова предложить удержанные места можно только в открытой заявке; эта заявка: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An offer round is open: let it end first, or promote the volunteer</source>
        <translation>Идёт раунд предложений: дождитесь его окончания или переведите волонтёра</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Say why the volunteer is moved</source>
        <translation>Укажите, почему волонтёр перемещён</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The position must be between 1 and %1</source>
        <translation>Место в очереди должно быть от 1 до %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Volunteer %1 is already signed up</source>
        <translation>Волонтёр %1 уже записан</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No free spot: sign them up over capacity explicitly, or raise the spots</source>
        <translation>Нет свободного места: запишите сверх числа мест явно или увеличьте число мест</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only a draft can be deleted; this one is %1 (cancel it instead)</source>
        <translation>Удалить можно только черновик; эта заявка: %1 (её можно отменить)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The release delay must be between 0 (never) and %1 minutes</source>
        <translation>Задержка должна быть от 0 (никогда) до %1 минут</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not signed up: sign them up as a walk-in first</source>
        <translation>%1 не записан: сначала запишите его как пришедшего без записи</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown attendance mark: %1</source>
        <translation>Неизвестная отметка о явке: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hours served must be between 0 and %1</source>
        <translation>Отработанные часы должны быть от 0 до %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing is recorded for %1 yet: mark them arrived or late first</source>
        <translation>Для %1 ещё ничего не отмечено: сначала отметьте приход или опоздание</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The arrival time must be HH:MM (got %1)</source>
        <translation>Время прихода нужно указать как ЧЧ:ММ (получено %1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot undo: what it told volunteers has already been sent (or is being sent)</source>
        <translation>Отменить нельзя: сообщения волонтёрам об этом уже отправлены (или отправляются)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot undo: the application changed after it (a response, a deadline or another action)</source>
        <translation>Отменить нельзя: после этого заявка уже изменилась (отклик, истёк срок или другое действие)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This console follows %1, which decides for the fund now</source>
        <translation>Эта консоль следует за %1: сейчас решения по фонду принимает она</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot undo: this console follows %1, which decides for the fund now</source>
        <translation>Отменить нельзя: эта консоль следует за %1, сейчас решения по фонду принимает она</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The shift has already begun: no reminder is sent</source>
        <translation>Смена уже началась: напоминание не отправляется</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Everyone signed up has confirmed already</source>
        <translation>Все записавшиеся уже подтвердили участие</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At most %1 reminders, each between 1 and %2 hours before the start</source>
        <translation>Не более %1 напоминаний, каждое — от 1 до %2 ч до начала</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Confirm-by must be between 0 and %1 hours before the start</source>
        <translation>Срок подтверждения — от 0 до %1 ч до начала</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>To release those who do not confirm, confirm-by must come after the first reminder</source>
        <translation>Чтобы освобождать места неподтвердивших, срок подтверждения должен наступать после первого напоминания</translation>
    </message>
</context>
<context>
    <name>RejectedView</name>
    <message>
        <location filename="../../gui/log_view.py" line="+19"/>
        <source>Select a message to see why it was refused.</source>
        <translation>Выберите сообщение, чтобы увидеть причину отказа.</translation>
    </message>
    <message numerus="yes">
        <location line="+22"/>
        <source>%n message(s) could not be processed. They changed nothing and are kept here so the sender can be told what to fix.</source>
        <translation>
            <numerusform>%n сообщение не удалось обработать. Оно ничего не изменило и сохранено здесь, чтобы отправителю можно было сообщить, что исправить.</numerusform>
            <numerusform>%n сообщения не удалось обработать. Они ничего не изменили и сохранены здесь, чтобы отправителю можно было сообщить, что исправить.</numerusform>
            <numerusform>%n сообщений не удалось обработать. Они ничего не изменили и сохранены здесь, чтобы отправителю можно было сообщить, что исправить.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No rejected messages.</source>
        <translation>Отклонённых сообщений нет.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exchange</source>
        <translation>Обменник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Routing key</source>
        <translation>Ключ маршрутизации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message id</source>
        <translation>ID сообщения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n байт</numerusform>
            <numerusform>%n байта</numerusform>
            <numerusform>%n байт</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Rejection</name>
    <message>
        <location filename="../../gui/display.py" line="+25"/>
        <source>%1: missing</source>
        <translation>%1: отсутствует</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: must be an integer or a string of 1 to 64 characters (got %2)</source>
        <translation>%1: должно быть целым числом или строкой от 1 до 64 символов (получено %2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: an integer id must be within ±(2^53 − 1), -9007199254740991 to 9007199254740991 (got %2)</source>
        <translation>%1: целый ID должен быть в пределах ±(2^53 − 1), от -9007199254740991 до 9007199254740991 (получено %2)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: must be a JSON object (got %2)</source>
        <translation>%1: должно быть JSON-объектом (получено %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: not a time of the form YYYY-MM-DDTHH:MM:SS (got %2)</source>
        <translation>%1: время не в виде ГГГГ-ММ-ДДTЧЧ:ММ:СС (получено %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: the time is out of range in UTC (got %2)</source>
        <translation>%1: время вне допустимого диапазона в UTC (получено %2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: must be one of %2 (got %3)</source>
        <translation>%1: допустимо одно из значений %2 (получено %3)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: bad value</source>
        <translation>%1: недопустимое значение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: wrong type or value (got %2)</source>
        <translation>%1: неверный тип или значение (получено %2)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A header name of the message is not UTF-8 text</source>
        <translation>Имя заголовка сообщения — не текст UTF-8</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The message&apos;s AMQP property %1 is not UTF-8 text (got %2)</source>
        <translation>AMQP-свойство сообщения %1 — не текст UTF-8 (получено %2)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The message is %1 bytes, over the %2 KiB limit</source>
        <translation>Сообщение занимает %1 байт, больше предела в %2 КиБ</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The message is not UTF-8 text (byte %1)</source>
        <translation>Сообщение не в кодировке UTF-8 (байт %1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The message is not JSON (line %1, column %2)</source>
        <translation>Сообщение не в формате JSON (строка %1, столбец %2)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The message is not JSON: %1 is not a JSON value</source>
        <translation>Сообщение не в формате JSON: %1 не является значением JSON</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The message nests %1 levels deep (at most %2)</source>
        <translation>Вложенность сообщения — %1 уровней (допустимо не больше %2)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The message has a number of %1 characters (at most %2)</source>
        <translation>В сообщении число из %1 символов (допустимо не больше %2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The message is not valid Unicode (an unpaired surrogate escape)</source>
        <translation>Сообщение — недопустимый Unicode (непарный суррогат в \u-последовательности)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The message is a JSON %1, not an object</source>
        <translation>Сообщение — JSON %1, а не объект</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The message has neither an action nor user_id and application_id</source>
        <translation>В сообщении нет ни action, ни user_id и application_id</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 %2 disagrees with %3 %4</source>
        <translation>%1 %2 не совпадает с %3 %4</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unknown action %1</source>
        <translation>Неизвестное действие %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unknown application %1</source>
        <translation>Неизвестная заявка %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Application %1 is not published yet</source>
        <translation>Заявка %1 ещё не опубликована</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Internal error while applying: %1: %2</source>
        <translation>Внутренняя ошибка при обработке: %1: %2</translation>
    </message>
</context>
<context>
    <name>Roster</name>
    <message>
        <location line="-306"/>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not confirmed</source>
        <translation>не подтвердил</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>reminded %1</source>
        <translation>напомнили %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Confirmed %1</source>
        <translation>Подтвердил %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reminded %1; asked to confirm by %2</source>
        <translation>Напомнили %1; просили подтвердить до %2</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../gui/settings_dialog.py" line="+73"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>e.g. Anna Petrova</source>
        <translation>например, Анна Петрова</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recorded with each decision made at this console and shown in the activity; the fund&apos;s other consoles show it too. Without a name they show this computer&apos;s name. A new name applies after a restart.</source>
        <translation>Записывается с каждым решением, принятым на этой консоли, и видно в журнале действий; его видят и другие консоли фонда. Без имени они показывают имя этого компьютера. Новое имя действует после перезапуска.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>For amqps:// only. Without a CA file the system&apos;s certificate authorities are trusted; the broker&apos;s certificate and host name are always checked.</source>
        <translation>Только для amqps://. Без файла CA доверие — системным центрам сертификации; сертификат брокера и имя хоста проверяются всегда.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Offer to everyone waiting (first to claim)</source>
        <translation>Предлагать всем ожидающим (кто первый откликнется)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign up the first in line automatically</source>
        <translation>Автоматически записывать первого в очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offer to the first in line, then the next</source>
        <translation>Предлагать первому в очереди, затем следующему</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>System</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>(kept in the system keyring)</source>
        <translation>(хранится в системном хранилище паролей)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password is kept only in the system keyring, never in a file.</source>
        <translation>Пароль хранится только в системном хранилище паролей и никогда не записывается в файл.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(no system keyring)</source>
        <translation>(нет системного хранилища паролей)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No system keyring is available on this computer, so the password cannot be saved here. Put it in a file only you can read (chmod 600) and start the console with --broker-password-file FILE, or set %1.</source>
        <translation>На этом компьютере нет системного хранилища паролей, поэтому сохранить пароль здесь нельзя. Запишите его в файл, доступный только вам (chmod 600), и запускайте консоль с --broker-password-file ФАЙЛ или задайте переменную %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A new language applies after a restart.</source>
        <translation>Новый язык будет применён после перезапуска.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Your name (shown with your decisions):</source>
        <translation>Ваше имя (видно рядом с вашими решениями):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Broker URL:</source>
        <translation>Адрес брокера:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User:</source>
        <translation>Пользователь:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CA file:</source>
        <translation>Файл CA:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client certificate:</source>
        <translation>Сертификат клиента:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client key:</source>
        <translation>Ключ клиента:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fund id:</source>
        <translation>ID фонда:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default policy:</source>
        <translation>Порядок по умолчанию:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default offer timeout:</source>
        <translation>Срок предложения по умолчанию:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>(none)</source>
        <translation>(нет)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Choose a PEM file</source>
        <translation>Выберите файл PEM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
        <translation>Файлы PEM (*.pem *.crt *.cer *.key);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>A password needs a user name.</source>
        <translation>Для пароля нужно указать пользователя.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>A fund id is required.</source>
        <translation>Укажите ID фонда.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At most 64 characters.</source>
        <translation>Не более 64 символов.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only Latin letters, digits, &apos;-&apos; and &apos;_&apos;.</source>
        <translation>Только латинские буквы, цифры, «-» и «_».</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At most %1 characters.</source>
        <translation>Не больше %1 символов.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Between 1 minute and 7 days.</source>
        <translation>От 1 минуты до 7 дней.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A CA file or client certificate needs an amqps:// URL.</source>
        <translation>Файлу CA и сертификату клиента нужен адрес amqps://.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no such file.</source>
        <translation>Такого файла нет.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This file cannot be read.</source>
        <translation>Этот файл нельзя прочитать.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a PEM certificate or key.</source>
        <translation>Это не сертификат и не ключ в формате PEM.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A client certificate and its key go together.</source>
        <translation>Сертификат клиента и его ключ указываются вместе.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This key does not belong to the client certificate.</source>
        <translation>Этот ключ не подходит к сертификату клиента.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A broker URL is required.</source>
        <translation>Укажите адрес брокера.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This is not a URL.</source>
        <translation>Это не похоже на адрес.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The URL starts with amqp:// or amqps://.</source>
        <translation>Адрес должен начинаться с amqp:// или amqps://.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The URL needs a host name.</source>
        <translation>В адресе нужно указать имя хоста.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The port must be between 1 and 65535.</source>
        <translation>Порт должен быть от 1 до 65535.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Put the password in the Password field, not in the URL.</source>
        <translation>Укажите пароль в поле «Пароль», а не в адресе.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The system keyring refused the password: %1</source>
        <translation>Системное хранилище паролей не приняло пароль: %1</translation>
    </message>
</context>
<context>
    <name>Sheet</name>
    <message>
        <location filename="../../gui/sheets.py" line="+67"/>
        <location line="+122"/>
        <location line="+43"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="-164"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+121"/>
        <location line="+43"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="-163"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signature</source>
        <translation>Подпись</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>%1 of %2 spots signed up</source>
        <translation>Записано %1 из %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Signed up</source>
        <translation>Записаны</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Waitlist (in order)</source>
        <translation>Лист ожидания (по очереди)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Application %1 · printed %2</source>
        <translation>Заявка %1 · напечатано %2</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Roster</source>
        <translation>Записавшиеся</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waitlist</source>
        <translation>Лист ожидания</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Position</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+43"/>
        <source>Volunteer id</source>
        <translation>ID волонтёра</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>Since</source>
        <translation>С какого времени</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reminded</source>
        <translation>Напомнили</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm by</source>
        <translation>Подтвердить до</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed</source>
        <translation>Подтвердил</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offer state</source>
        <translation>Предложение</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not confirmed</source>
        <translation>не подтвердил</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+6"/>
        <source>Attendance</source>
        <translation>Явка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrived</source>
        <translation>Пришёл в</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>%1 of %2 spots signed up, %3 waiting</source>
        <translation>Записано %1 из %2, в листе ожидания %3</translation>
    </message>
</context>
<context>
    <name>ShiftMenu</name>
    <message>
        <location filename="../../gui/shift_menu.py" line="+27"/>
        <source>Check-&amp;in…</source>
        <translation>Отметка &amp;явки…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>On the day: mark who arrived, who is late, who did not come; hours served</source>
        <translation>В день смены: кто пришёл, кто опоздал, кто не пришёл; отработанные часы</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Numbers</source>
        <translation>Показатели</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Numbers</source>
        <translation>&amp;Показатели</translation>
    </message>
</context>
<context>
    <name>TrayNotifier</name>
    <message>
        <location filename="../../gui/tray.py" line="+37"/>
        <source>Volunteer Console</source>
        <translation>Консоль волонтёров</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A spot is free</source>
        <translation>Освободилось место</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: a spot freed up and is offered to the waitlist.</source>
        <translation>%1: освободилось место, оно предложено листу ожидания.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Application filled</source>
        <translation>Заявка заполнена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: every spot is taken.</source>
        <translation>%1: все места заняты.</translation>
    </message>
</context>
<context>
    <name>Undo</name>
    <message>
        <location filename="../../gui/display.py" line="-46"/>
        <source>new application</source>
        <translation>создание заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>copy</source>
        <translation>копирование заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>edit</source>
        <translation>изменение заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>capacity change</source>
        <translation>изменение числа мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>freed-spot policy change</source>
        <translation>изменение порядка для освободившихся мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>release delay change</source>
        <translation>изменение срока удержания мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>publishing</source>
        <translation>публикация</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>closing</source>
        <translation>закрытие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reopening</source>
        <translation>повторное открытие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancellation</source>
        <translation>отмена заявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>removal</source>
        <translation>исключение волонтёра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>promotion</source>
        <translation>перевод из листа ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sign-up by hand</source>
        <translation>запись вручную</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offer to a chosen volunteer</source>
        <translation>предложение места выбранному волонтёру</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waitlist move</source>
        <translation>перемещение в листе ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>re-offer of held spots</source>
        <translation>повторное предложение удержанных мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>release of held spots</source>
        <translation>освобождение удержанных мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>volunteers directory change</source>
        <translation>изменение справочника волонтёров</translation>
    </message>
</context>
<context>
    <name>Volunteer</name>
    <message>
        <location filename="../../gui/volunteer_view.py" line="+91"/>
        <source>signed up</source>
        <translation>записан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on the waitlist</source>
        <translation>в листе ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>left</source>
        <translation>выбыл</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>No attendance recorded yet.</source>
        <translation>Явка ещё не отмечалась.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attendance %1 %: came %2 of %3 marked (%4 late), %5 no-show; %6 h served</source>
        <translation>Явка %1 %: пришёл %2 из %3 отмеченных (опозданий: %4), не пришёл %5; отработано %6 ч</translation>
    </message>
</context>
<context>
    <name>VolunteerHistoryDialog</name>
    <message>
        <location line="+18"/>
        <source>Volunteer</source>
        <translation>Волонтёр</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Volunteer id or name</source>
        <translation>ID или имя волонтёра</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Volunteer:</source>
        <translation>&amp;Волонтёр:</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>&amp;Shifts</source>
        <translation>&amp;Смены</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Decisions</source>
        <translation>&amp;Решения</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Shifts (%1)</source>
        <translation>&amp;Смены (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Decisions (%1)</source>
        <translation>&amp;Решения (%1)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Several volunteers match %1; type the id.</source>
        <translation>Под «%1» подходят несколько волонтёров; введите ID.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type a volunteer id and press Enter.</source>
        <translation>Введите ID волонтёра и нажмите Enter.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No decision about %1 in this fund.</source>
        <translation>В этом фонде о %1 нет ни одного решения.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%1: %n decision(s)</source>
        <translation>
            <numerusform>%1: %n решение</numerusform>
            <numerusform>%1: %n решения</numerusform>
            <numerusform>%1: %n решений</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>on %n application(s), newest first.</source>
        <translation>
            <numerusform>в %n заявке, сначала новые.</numerusform>
            <numerusform>в %n заявках, сначала новые.</numerusform>
            <numerusform>в %n заявках, сначала новые.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <location filename="../../gui/hand_actions.py" line="-96"/>
        <source>Sign up by hand</source>
        <translation>Записать вручную</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign up a walk-in or a phone call for «%1». They are told they are signed up; someone on the waitlist is moved up from it.</source>
        <translation>Записать на «%1» пришедшего лично или позвонившего. Ему сообщат, что он записан; если он в листе ожидания, он переходит из него в список.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>volunteer id, or a name from the directory</source>
        <translation>ID волонтёра или имя из справочника</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Add a spot for them if none is free</source>
        <translation>&amp;Добавить место, если свободных нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Volunteer:</source>
        <translation>&amp;Волонтёр:</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n spot(s) free.</source>
        <translation>
            <numerusform>Свободно %n место.</numerusform>
            <numerusform>Свободно %n места.</numerusform>
            <numerusform>Свободно %n мест.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No spot is free: they can only be added as an extra spot.</source>
        <translation>Свободных мест нет: записать можно только на дополнительное место.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Type the volunteer&apos;s id</source>
        <translation>Введите ID волонтёра</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A volunteer id is at most %1 characters</source>
        <translation>ID волонтёра — не более %1 символов</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No spot is free: tick «Add a spot for them» to sign them up anyway</source>
        <translation>Свободных мест нет: отметьте «Добавить место», чтобы всё же записать</translation>
    </message>
</context>
<context>
    <name>dates</name>
    <message>
        <location filename="../../gui/display.py" line="-410"/>
        <source>dddd d MMMM yyyy</source>
        <comment>QLocale date pattern</comment>
        <translation>dddd, d MMMM yyyy</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ddd d MMM yyyy</source>
        <comment>QLocale date pattern</comment>
        <translation>ddd, d MMM yyyy</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ddd d MMM</source>
        <comment>QLocale date pattern</comment>
        <translation>ddd, d MMM</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+25"/>
        <source>d MMM</source>
        <comment>QLocale date pattern</comment>
        <translation>d MMM</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 (next day)</source>
        <translation>%1 (до следующего дня)</translation>
    </message>
</context>
<context>
    <name>display</name>
    <message>
        <location line="+18"/>
        <source>offer freed spots to the whole waitlist</source>
        <translation>освободившиеся места предлагаются всему листу ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>promote the first in line automatically</source>
        <translation>первый в очереди записывается автоматически</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offer freed spots in turn, one at a time</source>
        <translation>освободившиеся места предлагаются по очереди, по одному</translation>
    </message>
</context>
<context>
    <name>models</name>
    <message>
        <location filename="../../gui/models.py" line="-752"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date and time</source>
        <translation>Дата и время</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/numbers_view.py" line="-274"/>
        <source>Filled</source>
        <translation>Занято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free</source>
        <translation>Своб.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>Ждут</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offers</source>
        <translation>Предл.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/volunteer_view.py" line="-151"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../gui/checkin_view.py" line="-403"/>
        <location filename="../../gui/models.py" line="+236"/>
        <location line="+76"/>
        <location line="+384"/>
        <location line="+24"/>
        <source>Volunteer</source>
        <translation>Волонтёр</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../gui/volunteer_view.py" line="+2"/>
        <source>Attendance</source>
        <translation>Явка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrived</source>
        <translation>Пришёл в</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/numbers_view.py" line="+6"/>
        <location filename="../../gui/volunteer_view.py" line="+1"/>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <location filename="../../gui/models.py" line="-713"/>
        <source>Signed up of the spots; amber: held for the waitlist</source>
        <translation>Записано из мест; жёлтым — места, удержанные для листа ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free spots: the next volunteer to answer signs up</source>
        <translation>Свободные места: следующий откликнувшийся будет записан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Volunteers on the waitlist</source>
        <translation>Волонтёры в листе ожидания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offers open now, waiting for the volunteer&apos;s answer</source>
        <translation>Открытые предложения мест: ждут ответа волонтёров</translation>
    </message>
    <message>
        <location line="+227"/>
        <source>Since</source>
        <translation>Записан с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmation</source>
        <translation>Подтверждение</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>#</source>
        <translation>№</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting since</source>
        <translation>Ждёт с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offer</source>
        <translation>Предложение</translation>
    </message>
    <message>
        <location line="+383"/>
        <source>Offered at</source>
        <translation>Предложено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>Истекает</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+19"/>
        <location filename="../../gui/volunteer_view.py" line="-60"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../gui/volunteer_view.py" line="+3"/>
        <source>What happened</source>
        <translation>Что произошло</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cause</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../gui/numbers_view.py" line="-5"/>
        <source>Refill p50</source>
        <translation>Замена p50</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refill p90</source>
        <translation>Замена p90</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offers accepted</source>
        <translation>Предл. приняты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed</source>
        <translation>Подтвердили</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No-show</source>
        <translation>Не пришли</translation>
    </message>
    <message>
        <location line="+43"/>
        <location filename="../../gui/volunteer_view.py" line="-2"/>
        <location line="+54"/>
        <source>Application</source>
        <translation>Заявка</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gui/volunteer_view.py" line="-53"/>
        <location line="+54"/>
        <source>Shift</source>
        <translation>Смена</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Month</source>
        <translation>Месяц</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Applications</source>
        <translation>Заявок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Understaffed</source>
        <translation>Мало людей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Critical</source>
        <translation>Критично</translation>
    </message>
    <message>
        <location filename="../../gui/volunteer_view.py" line="+2"/>
        <source>Place</source>
        <translation>Запись</translation>
    </message>
    <message>
        <location filename="../../gui/directory_view.py" line="-115"/>
        <location line="+16"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="-15"/>
        <location line="+16"/>
        <source>Full name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../gui/checkin_view.py" line="-3"/>
        <location filename="../../gui/directory_view.py" line="-15"/>
        <location line="+16"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../gui/directory_view.py" line="-15"/>
        <location line="+16"/>
        <source>Notes</source>
        <translation>Заметки</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+31"/>
        <source>Line</source>
        <translation>Строка</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Import</source>
        <translation>Импорт</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Column</source>
        <translation>Столбец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem</source>
        <translation>Ошибка</translation>
    </message>
</context>
</TS>
