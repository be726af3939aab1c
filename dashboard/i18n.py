"""Every user-facing string of the dashboard, in Brazilian Portuguese (default) and English.

``t(key, **values)`` returns the text in the language chosen in the sidebar. Messages that come
from the library (typed errors, data-quality warnings) are already Portuguese and are shown as
they are. A test checks that every key used by the pages exists here in both languages.
"""

from __future__ import annotations

from typing import Any, Final

LANG_KEY: Final = "sidebar_lang"
LANGUAGES: Final = {"pt": "Português", "en": "English"}
DEFAULT_LANGUAGE: Final = "pt"

# key: (pt-BR, English)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # app, navigation, sidebar
    "app.title": ("Passos Mágicos · Alerta de defasagem", "Passos Mágicos · Lagging early warning"),
    "nav.inicio": ("Início", "Home"),
    "nav.dados": ("Dados", "Data"),
    "nav.drift": ("Mudanças nos dados", "Data changes"),
    "nav.experimentos": ("Experimentos", "Experiments"),
    "nav.modelos": ("Modelos", "Models"),
    "nav.risco": ("Risco", "Risk list"),
    "nav.aluno": ("Aluno", "Student"),
    "nav.acompanhamento": ("Acompanhamento", "Follow-up"),
    "nav.contas": ("Contas", "Accounts"),
    "nav.section_data": ("Dados", "Data"),
    "nav.section_models": ("Modelos", "Models"),
    "nav.section_students": ("Alunos", "Students"),
    "nav.section_admin": ("Administração", "Administration"),
    "sidebar.language": ("Idioma / Language", "Idioma / Language"),
    "sidebar.signed_in_as": (
        "Conectado como **{user}** ({role})",
        "Signed in as **{user}** ({role})",
    ),
    "sidebar.sign_out": ("Sair", "Sign out"),
    "role.coordenador": ("coordenação", "coordinator"),
    "role.admin": ("administração", "administrator"),
    # sign-in
    "signin.title": ("Entrar", "Sign in"),
    "signin.subtitle": (
        "Painel de alerta de defasagem da Passos Mágicos. Entre com sua conta.",
        "Passos Mágicos lagging early-warning dashboard. Sign in with your account.",
    ),
    "signin.username": ("Usuário", "Username"),
    "signin.password": ("Senha", "Password"),
    "signin.submit": ("Entrar", "Sign in"),
    "signin.failed": (
        "Usuário ou senha incorretos. Confira e tente de novo; se esqueceu a senha, peça a "
        "quem administra o painel para redefini-la.",
        "Wrong username or password. Check and try again; if you forgot it, ask an "
        "administrator to reset it.",
    ),
    "signin.first_start_hint": (
        "Primeiro acesso ou senha esquecida: peça o usuário e a senha a quem instalou ou "
        "administra o painel na Passos Mágicos.",
        "First access or forgotten password: ask whoever installed or administers the dashboard "
        "at Passos Mágicos for your username and password.",
    ),
    "signin.locked": (
        "Muitas tentativas sem sucesso. Por segurança, a entrada está bloqueada por alguns "
        "minutos; espere {minutes} minutos e tente de novo, ou peça ajuda a quem administra o "
        "painel.",
        "Too many failed attempts. For safety, sign-in is blocked for a while; wait {minutes} "
        "minutes and try again, or ask an administrator for help.",
    ),
    "signin.ended": (
        "Sua sessão terminou (tempo sem uso, saída ou conta alterada). Entre de novo.",
        "Your session ended (idle time, sign-out or account change). Please sign in again.",
    ),
    "action.sign_in_failed": ("entrada recusada", "failed sign-in"),
    "action.sign_out": ("saída do painel", "sign-out"),
    "signin.oidc_button": ("Entrar com a conta da organização", "Sign in with your organisation"),
    # accounts
    "auth.password_short": (
        "A senha precisa ter ao menos {n} caracteres.",
        "The password needs at least {n} characters.",
    ),
    "auth.password_is_username": (
        "A senha não pode conter o nome de usuário. Escolha outra.",
        "The password cannot contain the username. Choose another one.",
    ),
    "auth.password_common": (
        "Essa senha é comum demais e fácil de adivinhar. Escolha outra, por exemplo uma frase "
        "curta com palavras que só você associa.",
        "That password is too common and easy to guess. Choose another, e.g. a short phrase "
        "of words only you would put together.",
    ),
    "auth.unknown_user": (
        "Essa conta não existe mais. Atualize a página.",
        "That account no longer exists. Reload the page.",
    ),
    "auth.last_admin": (
        "Esta é a última conta de administração ativa: crie ou ative outra antes de "
        "desativá-la ou mudar o papel dela.",
        "This is the last active administrator account: create or enable another before "
        "disabling it or changing its role.",
    ),
    "auth.username_invalid": (
        "Use só letras, números, ponto, hífen ou sublinhado no nome de usuário.",
        "Use only letters, digits, dot, hyphen or underscore in the username.",
    ),
    "auth.username_taken": ("Esse usuário já existe. Escolha outro nome.", "That user exists."),
    "auth.role_invalid": ("Papel desconhecido.", "Unknown role."),
    "auth.cannot_disable_self": (
        "Você não pode desativar a própria conta.",
        "You cannot disable your own account.",
    ),
    "auth.cannot_demote_self": (
        "Você não pode tirar o papel de administração da própria conta.",
        "You cannot remove the administrator role from your own account.",
    ),
    "contas.title": ("Contas e registro de ações", "Accounts and audit log"),
    "contas.username": ("Usuário", "Username"),
    "contas.role": ("Papel", "Role"),
    "contas.active": ("Ativa", "Active"),
    "contas.last_login": ("Último acesso", "Last sign-in"),
    "contas.new_title": ("Nova conta", "New account"),
    "contas.create": ("Criar conta", "Create account"),
    "contas.created": ("Conta '{user}' criada.", "Account '{user}' created."),
    "contas.edit_title": ("Alterar conta", "Change account"),
    "contas.pick": ("Conta", "Account"),
    "contas.password_title": ("Trocar senha", "Change password"),
    "contas.new_password": ("Nova senha", "New password"),
    "contas.password_save": ("Trocar senha", "Change password"),
    "contas.password_changed": (
        "Senha de '{user}' trocada. As sessões abertas dessa conta foram encerradas.",
        "Password of '{user}' changed. That account's open sessions were ended.",
    ),
    "contas.role_title": ("Papel", "Role"),
    "contas.role_save": ("Mudar papel", "Change role"),
    "contas.role_changed": ("Papel de '{user}' alterado.", "Role of '{user}' changed."),
    "contas.status_title": ("Situação", "Status"),
    "contas.disable": ("Desativar conta", "Disable account"),
    "contas.enable": ("Reativar conta", "Enable account"),
    "contas.disabled": (
        "Conta '{user}' desativada; as sessões abertas dela foram encerradas.",
        "Account '{user}' disabled; its open sessions were ended.",
    ),
    "contas.enabled": ("Conta '{user}' reativada.", "Account '{user}' enabled."),
    "contas.is_active": ("Conta ativa.", "Account active."),
    "contas.is_inactive": ("Conta desativada.", "Account disabled."),
    "contas.password_rules": (
        "Ao menos {n} caracteres, sem o nome de usuário e sem senhas comuns.",
        "At least {n} characters, not the username and not a common password.",
    ),
    "contas.audit_title": ("Registro de ações", "Audit log"),
    "contas.audit_empty": ("Nenhuma ação registrada ainda.", "No action recorded yet."),
    "contas.action": ("Ação", "Action"),
    "contas.detail": ("Detalhe", "Detail"),
    "action.upload": ("envio de planilha", "upload"),
    "action.export": ("exportação da lista", "list export"),
    "action.promote": ("promoção de modelo", "model promotion"),
    "action.override": ("promoção com exceção", "promotion override"),
    "action.rollback": ("reversão de modelo", "model rollback"),
    "action.revert": ("reversão de modelo", "model rollback"),
    "action.train": ("treino de modelos", "model training"),
    "action.accept_copy": ("ano aceito", "year accepted"),
    "action.account": ("conta alterada", "account change"),
    "action.sign_in": ("entrada no painel", "sign-in"),
    "action.view_student": ("aluno aberto", "student opened"),
    "action.export_student": ("dados do aluno exportados", "student data exported"),
    "action.erase": ("aluno apagado (LGPD)", "student erased (LGPD)"),
    "action.retention": ("retenção aplicada", "retention applied"),
    "privacy.erase_title": (
        "Apagar os dados deste aluno (LGPD)",
        "Erase this student's data (LGPD)",
    ),
    "privacy.erase_warning": (
        "Remove o aluno de todas as planilhas guardadas, camadas, predições, quarentena e "
        "registros. Não pode ser desfeito. Fica registrado quem apagou, quando e por quê.",
        "Removes the student from every stored workbook, layer, prediction, quarantine and "
        "record. It cannot be undone. Who erased, when and why is recorded.",
    ),
    "privacy.erase_reason": (
        "Motivo (ex.: pedido do responsável)",
        "Reason (e.g. guardian's request)",
    ),
    "privacy.erase_confirm": ("Digite {ra} para confirmar", "Type {ra} to confirm"),
    "privacy.erase_button": ("Apagar definitivamente", "Erase permanently"),
    "privacy.erase_mismatch": (
        "O RA digitado não confere. Digite {ra} para confirmar.",
        "The RA typed does not match. Type {ra} to confirm.",
    ),
    "privacy.erased": (
        "Aluno apagado: {files} arquivos reescritos, {rows} linhas apagadas.",
        "Student erased: {files} files rewritten, {rows} rows deleted.",
    ),
    "privacy.access_title": ("Registro de acesso a dados de alunos", "Access log of student data"),
    "privacy.access_caption": (
        "Quem abriu cada aluno e quem exportou listas. Guardado por {days} dias; demais "
        "registros por {audit_days} dias (passos retention apply). {lists}",
        "Who opened each student and who exported lists. Kept {days} days; other records "
        "{audit_days} days (passos retention apply). {lists}",
    ),
    "privacy.lists_kept": (
        "Listas de risco: as dos {years} anos mais recentes.",
        "Risk lists: those of the {years} most recent years.",
    ),
    "privacy.lists_forever": (
        "Listas de risco: guardadas sem prazo.",
        "Risk lists: kept with no limit.",
    ),
    "privacy.access_empty": ("Nenhum acesso registrado ainda.", "No access recorded yet."),
    "privacy.subject": ("Aluno ou lista", "Student or list"),
    "privacy.list_subject": ("lista de {year} ({fmt})", "{year} list ({fmt})"),
    # common
    "common.unexpected_error": (
        "Algo deu errado ao montar esta página. Nada foi alterado. Recarregue a página; se o "
        "problema continuar, avise quem administra o painel (o detalhe técnico ficou no registro "
        "do servidor).",
        "Something went wrong while building this page. Nothing was changed. Reload the page; "
        "if it persists, tell the administrator (the technical detail is in the server log).",
    ),
    "common.admin_only": (
        "Só a administração pode usar esta página.",
        "Only administrators can use this page.",
    ),
    # classes, columns, axes
    "class.critical": ("Crítico", "Critical"),
    "class.alert": ("Alerta", "Alert"),
    "class.expected": ("Esperado", "Expected"),
    "col.ano": ("Ano", "Year"),
    "col.ra": ("RA", "RA"),
    "col.nome": ("Nome", "Name"),
    "col.fase": ("Fase", "Phase"),
    "col.turma": ("Turma", "Class"),
    "col.instituicao": ("Instituição", "School type"),
    "col.pedra": ("Pedra", "Pedra"),
    "col.escola": ("Escola", "School"),
    "col.classe": ("Classe prevista", "Predicted class"),
    "col.rank": ("Posição", "Rank"),
    "col.p_critical": ("Prob. Crítico", "P(Critical)"),
    "col.p_alert": ("Prob. Alerta", "P(Alert)"),
    "col.reason_1": ("Motivo 1", "Reason 1"),
    "col.reason_2": ("Motivo 2", "Reason 2"),
    "col.reason_3": ("Motivo 3", "Reason 3"),
    "col.file": ("Arquivo", "File"),
    "col.sheet": ("Aba", "Sheet"),
    "col.source_row": ("Linha na planilha", "Spreadsheet row"),
    "col.reason": ("Motivo", "Reason"),
    "col.rows_read": ("Linhas lidas", "Rows read"),
    "col.rows_kept": ("Linhas aproveitadas", "Rows kept"),
    "col.rows_quarantined": ("Em quarentena", "Quarantined"),
    "col.hash": ("Impressão digital", "Content hash"),
    "col.who": ("Quem", "Who"),
    "col.when": ("Quando", "When"),
    "col.current": ("Em uso", "Current"),
    "layer.bronze": ("Lidas (bronze)", "Read (bronze)"),
    "layer.silver": ("Aproveitadas (silver)", "Kept (silver)"),
    "layer.quarantine": ("Quarentena", "Quarantine"),
    "layer.gold": ("Alunos no ano (gold)", "Students in year (gold)"),
    "instituicao.publica": ("Pública", "Public"),
    "instituicao.privada": ("Privada", "Private"),
    "instituicao.privada_apadrinhamento": ("Privada (apadrinhamento)", "Private (sponsored)"),
    "instituicao.privada_bolsa": ("Privada (bolsa)", "Private (scholarship)"),
    "instituicao.privada_empresa": ("Privada (empresa parceira)", "Private (partner company)"),
    "instituicao.rede_decisao": ("Rede Decisão", "Rede Decisão"),
    "instituicao.concluiu_em": ("Concluiu o ensino médio", "Finished high school"),
    "instituicao.universitario": ("Universitário", "University"),
    "instituicao.outra": ("Outra", "Other"),
    "axis.year": ("Ano", "Year"),
    "axis.fase": ("Fase", "Phase"),
    "axis.students": ("Alunos", "Students"),
    "axis.class": ("Classe", "Class"),
    "axis.column": ("Coluna", "Column"),
    "axis.drift_share": ("Colunas que mudaram", "Columns that changed"),
    "axis.share_students": ("Parcela dos alunos", "Share of students"),
    "axis.score": ("Nota (0 a 10)", "Score (0 to 10)"),
    "axis.indicator": ("Indicador", "Indicator"),
    "axis.defasagem": ("Defasagem (anos)", "Lag (years)"),
    "axis.metric": ("Métrica", "Metric"),
    "axis.value": ("Valor", "Value"),
    "axis.predicted": ("Classe prevista", "Predicted class"),
    "axis.real": ("Classe real", "Actual class"),
    "axis.k": ("Tamanho da lista (k alunos)", "List size (k students)"),
    "axis.precision": ("Precisão na lista", "Precision in the list"),
    "axis.predicted_risk": ("Risco previsto", "Predicted risk"),
    "axis.observed_share": ("Parcela que realmente defasou", "Share that really lagged"),
    "metric.macro_f1": ("F1 macro", "Macro F1"),
    "metric.accuracy": ("Acurácia", "Accuracy"),
    "metric.recall_critical": ("Recall Crítico", "Critical recall"),
    "metric.precision_critical": ("Precisão Crítico", "Critical precision"),
    "metric.recall_alert": ("Recall Alerta", "Alert recall"),
    "metric.precision_alert": ("Precisão Alerta", "Alert precision"),
    "metric.recall_expected": ("Recall Esperado", "Expected recall"),
    "metric.precision_expected": ("Precisão Esperado", "Expected precision"),
    "metric.precision_at_25": ("Precisão top-25", "Precision top-25"),
    "metric.precision_at_50": ("Precisão top-50", "Precision top-50"),
    "metric.precision_at_100": ("Precisão top-100", "Precision top-100"),
    "metric.recall_critical_at_100": ("Críticos achados no top-100", "Critical found in top-100"),
    "metric.brier": ("Brier (menor é melhor)", "Brier (lower is better)"),
    "metric.baseline_macro_f1": ("F1 macro da persistência", "Persistence macro F1"),
    "metric.rule_macro_f1": ("F1 macro da regra da fase", "Phase-rule macro F1"),
    "metric.cv_macro_f1": (
        "F1 macro na validação dos anos de treino",
        "Macro F1 in the training-years validation",
    ),
    "metric.macro_f1_seed_mean": ("F1 macro, média das sementes", "Macro F1, mean over seeds"),
    "metric.macro_f1_seed_sd": ("F1 macro, desvio entre sementes", "Macro F1, sd over seeds"),
    "metric.ece_critical": (
        "Erro de calibração P(Crítico) (menor é melhor)",
        "Calibration error P(Critical) (lower is better)",
    ),
    "metric.ece_at_risk": (
        "Erro de calibração do risco (menor é melhor)",
        "Risk calibration error (lower is better)",
    ),
    # paired comparisons (95% bootstrap interval of the difference on the same students)
    "cmp.same": (
        "{a} e {b} não se distinguem em {metric}: diferença {delta} (IC 95% {low} a {high}, "
        "inclui 0 — pode ser acaso).",
        "{a} and {b} cannot be told apart on {metric}: difference {delta} (95% CI {low} to "
        "{high}, includes 0 — could be chance).",
    ),
    "cmp.better": (
        "{a} é melhor que {b} em {metric}: diferença {delta} (IC 95% {low} a {high}).",
        "{a} is better than {b} on {metric}: difference {delta} (95% CI {low} to {high}).",
    ),
    "cmp.worse": (
        "{a} é pior que {b} em {metric}: diferença {delta} (IC 95% {low} a {high}).",
        "{a} is worse than {b} on {metric}: difference {delta} (95% CI {low} to {high}).",
    ),
    "cmp.ci_col": ("{metric} (IC 95%)", "{metric} (95% CI)"),
    "metric_help.macro_f1": (
        "Média do F1 das três classes no ano de teste (validação temporal).",
        "Mean F1 of the three classes on the temporal test year.",
    ),
    "metric_help.recall_critical": (
        "De cada 100 alunos que ficaram Críticos, quantos o modelo apontou.",
        "Out of 100 students who became Critical, how many the model flagged.",
    ),
    "metric_help.precision_at_100": (
        "Dos 100 primeiros da lista, quantos realmente ficaram Críticos ou em Alerta.",
        "Of the first 100 in the list, how many really became Critical or Alert.",
    ),
    "metric_help.brier": (
        "Erro das probabilidades (0 = perfeito).",
        "Error of the probabilities (0 = perfect).",
    ),
    "run_status.success": ("concluída", "succeeded"),
    "run_status.failed": ("falhou", "failed"),
    "alias.production": ("produção", "production"),
    "alias.previous": ("anterior", "previous"),
    # Início
    "inicio.title": ("Visão geral", "Overview"),
    "inicio.students": ("Alunos em {year}", "Students in {year}"),
    "inicio.model": ("Modelo em produção", "Production model"),
    "inicio.next_upload": (
        "Ainda não há dados. Envie a planilha do PEDE na página **Dados**.",
        "No data yet. Upload the PEDE spreadsheet on the **Data** page.",
    ),
    "inicio.next_model": (
        "Nenhum modelo em produção: treine e promova na página **Modelos** "
        "(o treino fica em **Experimentos**).",
        "No model in production: train and promote on the **Models** page "
        "(training is on **Experiments**).",
    ),
    "inicio.nobody_flagged": (
        "Nenhum aluno foi classificado como Crítico ou Alerta.",
        "No student was classified as Critical or Alert.",
    ),
    "inicio.chart_by_phase": (
        "Alunos em Crítico e Alerta por fase",
        "Critical and Alert students by phase",
    ),
    "inicio.model_title": (
        "Modelo em produção: versão {version}",
        "Production model: version {version}",
    ),
    "inicio.model_no_metrics": (
        "As métricas deste modelo não puderam ser lidas do registro (MLflow).",
        "The metrics of this model could not be read from the registry (MLflow).",
    ),
    "inicio.vs_baseline": (
        "Para comparar: repetir a classe deste ano (persistência) tem F1 macro {value}.",
        "For comparison: repeating this year's class (persistence) has macro F1 {value}.",
    ),
    "inicio.pipeline_title": ("Dados e processamento", "Data and processing"),
    "inicio.years_loaded": ("Anos carregados: {years}", "Years loaded: {years}"),
    "inicio.last_run": (
        "Último processamento: {when}, por {who} ({status}).",
        "Last processing: {when}, by {who} ({status}).",
    ),
    "inicio.drift_pending": (
        "A comparação dos dados de {year} está em preparo. Veja em **Mudanças nos dados**.",
        "The comparison of {year}'s data is being prepared. See **Data changes**.",
    ),
    "inicio.drift_failed": (
        "A comparação dos dados de {year} falhou. Abra **Mudanças nos dados** para tentar de novo.",
        "The comparison of {year}'s data failed. Open **Data changes** to retry.",
    ),
    "inicio.drift_verdict": (
        "Mudanças nos dados de {year}: {verdict} ({share} das colunas mudaram).",
        "Data changes in {year}: {verdict} ({share} of the columns changed).",
    ),
    # Dados
    "dados.title": ("Dados do PEDE", "PEDE data"),
    "dados.limit": (
        "Envie arquivos .xlsx, .xls ou .csv de até {mb} MB cada. Antes de gravar qualquer "
        "coisa, o painel mostra o que vai acontecer com cada arquivo.",
        "Upload .xlsx, .xls or .csv files of up to {mb} MB each. Before anything is written, "
        "the dashboard shows what will happen to each file.",
    ),
    "dados.uploader": ("Planilhas do PEDE", "PEDE spreadsheets"),
    "dados.uploader_help": (
        "Uma planilha pode ter vários anos (uma aba por ano) ou um só.",
        "A workbook may hold several years (one sheet each) or one.",
    ),
    "dados.year_select": (
        "Ano dos dados de '{name}'",
        "Year of the data in '{name}'",
    ),
    "dados.year_placeholder": ("Escolha o ano", "Choose the year"),
    "dados.preview_header": ("{name} ({size} MB)", "{name} ({size} MB)"),
    "dados.already_ingested": (
        "Este arquivo já foi carregado antes (mesmo conteúdo): nada a fazer.",
        "This file was already loaded (same content): nothing to do.",
    ),
    "dados.sheet_line": (
        "Aba **{sheet}** → ano **{year}**: {rows} linhas, {kept} aproveitadas, "
        "{quarantined} em quarentena.",
        "Sheet **{sheet}** → year **{year}**: {rows} rows, {kept} kept, {quarantined} quarantined.",
    ),
    "dados.layout_skipped": ("Deixado de fora: {parts}.", "Left out: {parts}."),
    "dados.layout_above": (
        "{n} linha(s) acima do cabeçalho (títulos, linhas em branco)",
        "{n} line(s) above the header (titles, blank lines)",
    ),
    "dados.layout_split": (
        "cabeçalho em {n} linhas, juntado em um só",
        "header over {n} lines, joined into one",
    ),
    "dados.layout_below": (
        "{n} linha(s) abaixo da tabela (notas, totais)",
        "{n} line(s) below the table (notes, totals)",
    ),
    "dados.layout_empty": ("colunas vazias {columns}", "empty columns {columns}"),
    "dados.small_year": (
        "O ano {year} tem só {n_new} aluno(s), contra {n_previous} em {previous}: parece "
        "incompleto e a lista passaria a ser só desses alunos. Confira a planilha antes.",
        "Year {year} has only {n_new} student(s), against {n_previous} in {previous}: it looks "
        "incomplete and the list would hold only these students. Check the spreadsheet first.",
    ),
    "dados.small_year_confirm": (
        "Carregar mesmo assim (a planilha está certa)",
        "Load anyway (the spreadsheet is right)",
    ),
    "dados.mapping_title": (
        "Como as colunas da aba '{sheet}' foram reconhecidas",
        "How the columns of sheet '{sheet}' were mapped",
    ),
    "dados.col_standard": ("Campo do painel", "Dashboard field"),
    "dados.col_source": ("Coluna na planilha", "Spreadsheet column"),
    "dados.not_found": ("(não encontrada)", "(not found)"),
    "dados.ignored": ("Colunas não usadas: {headers}", "Columns not used: {headers}"),
    "dados.quarantine_title": (
        "{n} linhas vão para a quarentena (e por quê)",
        "{n} rows will be quarantined (and why)",
    ),
    "dados.replace_warning": (
        "O(s) ano(s) {years} já foram carregados. Processar vai substituí-los (a versão "
        "anterior fica guardada no arquivo morto).",
        "Year(s) {years} are already loaded. Processing replaces them (the previous version "
        "is kept in the archive).",
    ),
    "dados.replace_confirm": (
        "Sim, substituir os dados de {years}",
        "Yes, replace the data of {years}",
    ),
    "dados.fix_errors": (
        "Há arquivo com problema (veja acima). Corrija a planilha ou remova o arquivo da lista "
        "para continuar. Nada foi gravado.",
        "A file has a problem (see above). Fix the spreadsheet or remove the file to continue. "
        "Nothing was written.",
    ),
    "dados.nothing_new": (
        "Nada novo para processar nestes arquivos.",
        "Nothing new to process in these files.",
    ),
    "dados.process": ("Processar", "Process"),
    "dados.processing": ("Processando os dados…", "Processing the data…"),
    "dados.stage_start": ("Começando", "Starting"),
    "dados.stage_drift": (
        "Comparando com os dados anteriores (pode levar alguns segundos)",
        "Comparing with the earlier data (may take a few seconds)",
    ),
    "dados.stage_scoring": (
        "Calculando o risco dos alunos com o modelo em produção",
        "Scoring the students with the production model",
    ),
    "dados.stage_done": ("Pronto", "Done"),
    "dados.done": ("Processamento concluído", "Processing finished"),
    "dados.failed": ("O processamento não foi feito", "Processing was not done"),
    "dados.finish_running": (
        "Preparando os relatórios de drift e a lista de risco…",
        "Preparing the drift reports and the risk list…",
    ),
    "dados.finish_now": ("Agora: {stage}.", "Now: {stage}."),
    "dados.finish_stage_queued": ("na fila", "queued"),
    "dados.finish_stage_drift": ("relatórios de drift", "drift reports"),
    "dados.finish_stage_scoring": ("pontuação dos alunos", "scoring the students"),
    "dados.finish_drift_pending": (
        "Relatório de drift de {year}: em preparo.",
        "Drift report for {year}: in progress.",
    ),
    "dados.finish_scoring_waiting": (
        "Lista de risco: atualizada logo depois dos relatórios.",
        "Risk list: updated right after the reports.",
    ),
    "dados.finish_risk_note": (
        "Os dados novos já estão publicados. Enquanto isso, a lista de risco já pontuada "
        "continua disponível na página Risco.",
        "The new data is already published. Meanwhile the risk list already scored is still "
        "available on the Risk page.",
    ),
    "dados.finish_ready": (
        "Pronto: relatórios de drift e lista de risco atualizados.",
        "Ready: drift reports and risk list updated.",
    ),
    "dados.finish_failed": (
        "Os dados novos estão publicados, mas uma etapa final falhou ({stage}): {error} "
        "Peça a um administrador para rodar 'passos pipeline finish'.",
        "The new data is published, but a final step failed ({stage}): {error} Ask an "
        "administrator to run 'passos pipeline finish'.",
    ),
    "dados.finish_interrupted": (
        "As etapas finais foram interrompidas ({stage}): o painel foi reiniciado no meio. "
        "Peça a um administrador para rodar 'passos pipeline finish'.",
        "The final steps were interrupted ({stage}): the dashboard restarted meanwhile. Ask "
        "an administrator to run 'passos pipeline finish'.",
    ),
    "dados.drift_later": (
        "Os dados foram publicados, mas a comparação com os dados anteriores não pôde ser "
        "feita agora. Tente de novo em Mudanças nos dados.",
        "The data was published but the comparison with the earlier data could not be made "
        "now. Retry on Data changes.",
    ),
    "dados.summary_title": ("Dados carregados com sucesso.", "Data loaded successfully."),
    "dados.skipped": (
        "'{name}' já tinha sido carregado (mesmo conteúdo) e foi ignorado.",
        "'{name}' was already loaded (same content) and was skipped.",
    ),
    "dados.download_quarantine": (
        "Baixar as {n} linhas em quarentena, com o motivo (CSV)",
        "Download the {n} quarantined rows with reasons (CSV)",
    ),
    "dados.summary_close": ("Fechar resumo", "Close summary"),
    "dados.history_title": ("Histórico de arquivos carregados", "History of loaded files"),
    "dados.history_empty": (
        "Nenhum arquivo carregado ainda. Envie a planilha do PEDE acima.",
        "No file loaded yet. Upload the PEDE spreadsheet above.",
    ),
    # Mudanças nos dados (drift)
    "drift.title": ("Mudanças nos dados", "Data changes"),
    "drift.intro": (
        "Cada ano é comparado com os dados com que o modelo em produção aprendeu (antes de "
        'haver modelo, com os anos anteriores). "Normal" quer dizer que as diferenças estão '
        'dentro do que muda naturalmente de um ano para outro; "mudança relevante" pede '
        "conferir a planilha antes de confiar na lista.",
        "Each year is compared with the data the production model learned from (before there "
        'is a model, with the earlier years). "Normal" means the differences are within what '
        'changes naturally from one year to the next; "relevant change" asks you to check '
        "the spreadsheet before trusting the list.",
    ),
    "drift.none": (
        "Ainda não há comparação: ela aparece quando um segundo ano é carregado na página Dados.",
        "No comparison yet: it appears once a second year is loaded on the Data page.",
    ),
    "drift.year": ("Ano", "Year"),
    "drift.pending": (
        "A comparação de {year} está em preparo.",
        "The comparison for {year} is being prepared.",
    ),
    "drift.finish_now": ("Preparar agora", "Prepare now"),
    "drift.finishing": ("Comparando…", "Comparing…"),
    "drift.failed": (
        "A última comparação de {year} falhou. Carregue o ano de novo ou avise a administração.",
        "The last comparison for {year} failed. Load the year again or tell the administrator.",
    ),
    "drift.verdict_relevant": (
        "Mudança relevante nos dados de {year}.",
        "Relevant change in the data of {year}.",
    ),
    "drift.verdict_normal": (
        "Dados de {year}: normal. As diferenças estão dentro do que muda de um ano para outro.",
        "Data of {year}: normal. The differences are within what changes from year to year.",
    ),
    "drift.verdict_yes": ("mudança relevante", "relevant change"),
    "drift.verdict_no": ("normal", "normal"),
    "drift.changed_numeric": (
        "**{col}**: os valores se deslocaram {times} vezes a variação habitual da coluna.",
        "**{col}**: the values moved {times} times the column's usual spread.",
    ),
    "drift.changed_category": (
        "**{col}**: {share} dos alunos estão numa categoria diferente da esperada.",
        "**{col}**: {share} of the students are in a different category than expected.",
    ),
    "drift.changed_vanished": (
        "**{col}**: falta um grupo inteiro que tinha {share} dos alunos (por exemplo, uma fase).",
        "**{col}**: a whole group holding {share} of the students is missing (e.g. a phase).",
    ),
    "drift.what_to_do": (
        "Confira a planilha: um indicador em outra escala, colunas trocadas ou uma fase faltando "
        "se corrigem enviando o arquivo certo de novo (substituindo o ano). Se a mudança for "
        "real, use a lista deste ano com cautela; o aviso some quando um modelo treinado com "
        "estes dados for promovido.",
        "Check the spreadsheet: an indicator on another scale, swapped columns or a missing "
        "phase are fixed by sending the right file again (replacing the year). If the change is "
        "real, use this year's list with care; the warning clears once a model trained with "
        "this data is promoted.",
    ),
    "drift.reference_model": (
        "{year} comparado com {refs}: os dados de treino do modelo em produção (versão {v}).",
        "{year} compared with {refs}: the training data of the production model (version {v}).",
    ),
    "drift.reference_earlier": (
        "{year} comparado com {refs}: os anos anteriores (ainda não há modelo em produção).",
        "{year} compared with {refs}: the earlier years (no production model yet).",
    ),
    "drift.yoy_title": (
        "Em relação ao ano anterior ({year} × {prev})",
        "Against the year before ({year} vs {prev})",
    ),
    "drift.yoy_caption": (
        "Só para contexto: o veredito acima compara com os dados de treino do modelo.",
        "Context only: the verdict above compares with the model's training data.",
    ),
    "drift.yoy_none": (
        "Nenhuma coluna mudou muito de {prev} para {year}.",
        "No column changed much from {prev} to {year}.",
    ),
    "drift.columns_title": ("Por coluna (administração)", "Per column (administrators)"),
    "drift.col_column": ("Coluna", "Column"),
    "drift.col_method": ("Método", "Method"),
    "drift.col_score": ("Valor", "Value"),
    "drift.col_threshold": ("Limite", "Threshold"),
    "drift.col_drifted": ("Mudou", "Changed"),
    "drift.methods_caption": (
        "wasserstein_norm: distância de Wasserstein dividida pelo desvio-padrão da referência; "
        "total_variation: parcela de alunos em outra categoria; nivel_ausente: parcela da "
        'referência num nível que sumiu. Uma coluna que muda basta para "mudança relevante".',
        "wasserstein_norm: Wasserstein distance divided by the reference standard deviation; "
        "total_variation: share of students in another category; nivel_ausente: share of the "
        'reference in a level that vanished. One changed column makes a "relevant change".',
    ),
    "drift.report_title": (
        "Relatório completo (Evidently, comparado com {refs})",
        "Full report (Evidently, compared with {refs})",
    ),
    "drift.trend_title": (
        "Colunas que mudaram, ano a ano",
        "Columns that changed, year by year",
    ),
    "drift.col.inde": ("INDE", "INDE"),
    "drift.col.iaa": ("IAA (autoavaliação)", "IAA (self-assessment)"),
    "drift.col.ieg": ("IEG (engajamento)", "IEG (engagement)"),
    "drift.col.ips": ("IPS (psicossocial)", "IPS (psychosocial)"),
    "drift.col.ida": ("IDA (desempenho acadêmico)", "IDA (academic performance)"),
    "drift.col.ipv": ("IPV (ponto de virada)", "IPV (turning point)"),
    "drift.col.ian": ("IAN (adequação de nível)", "IAN (level adequacy)"),
    "drift.col.ipp": ("IPP (psicopedagógico)", "IPP (psycho-pedagogical)"),
    "drift.col.mat": ("Nota de Matemática", "Math grade"),
    "drift.col.por": ("Nota de Português", "Portuguese grade"),
    "drift.col.ing": ("Nota de Inglês", "English grade"),
    "drift.col.defasagem": ("Defasagem", "Lag (defasagem)"),
    "drift.col.idade": ("Idade", "Age"),
    "drift.col.anos_na_instituicao": ("Anos na Passos Mágicos", "Years at Passos Mágicos"),
    "drift.col.fase": ("Fase", "Phase"),
    "drift.col.pedra": ("Pedra", "Pedra"),
    "drift.col.genero": ("Gênero", "Gender"),
    "drift.col.instituicao": ("Tipo de escola", "School type"),
    "drift.mix_title": ("Mistura de classes por ano", "Class mix by year"),
    "drift.mix_observed": ("Classe atual (observada)", "Current class (observed)"),
    "drift.mix_predicted": ("Classe prevista", "Predicted class"),
    "drift.mix_caption": (
        "A previsão feita sobre um ano aparece no ano seguinte, que é o ano que ela prevê.",
        "A prediction made on a year is shown on the next year, the one it predicts.",
    ),
    # Experimentos
    "exp.title": ("Experimentos (MLflow)", "Experiments (MLflow)"),
    "exp.none": (
        "Nenhum treino registrado ainda. A administração pode treinar os modelos acima "
        "(ou rodar 'passos train --all').",
        "No training run yet. An administrator can train the models above "
        "(or run 'passos train --all').",
    ),
    "exp.mlflow_ui": ("Abrir o MLflow", "Open MLflow"),
    "exp.preset": ("Configuração", "Preset"),
    "exp.estimator": ("Algoritmo", "Estimator"),
    "exp.test_year": ("Ano de teste", "Test year"),
    "exp.version": ("Versão", "Version"),
    "exp.run": ("Execução", "Run"),
    "exp.compare": ("Compare execuções (duas ou mais)", "Compare runs (two or more)"),
    "exp.pick_two": ("Escolha ao menos duas execuções.", "Pick at least two runs."),
    "exp.not_paired": (
        "{a} e {b} não foram testadas nos mesmos alunos (outro ano de teste ou outros dados): "
        "não dá para compará-las diretamente.",
        "{a} and {b} were not tested on the same students (another test year or other data): "
        "they cannot be compared directly.",
    ),
    "exp.metrics_title": ("Métricas no ano de teste", "Metrics on the test year"),
    "exp.per_class_title": ("Recall e precisão por classe", "Recall and precision per class"),
    "exp.recall": ("Recall", "Recall"),
    "exp.precision": ("Precisão", "Precision"),
    "exp.confusion_title": ("Matrizes de confusão", "Confusion matrices"),
    "exp.topk_title": (
        "Precisão nos primeiros k da lista",
        "Precision in the first k of the list",
    ),
    "exp.calibration_title": ("Calibração por decil de risco", "Calibration by risk decile"),
    "exp.audit_title": ("Auditoria por grupos", "Group audit"),
    "exp.audit_caption": (
        "Taxas de erro por gênero, tipo de escola e faixa de fase; disparidades fora de "
        "0,8–1,25 são marcadas quando os dois grupos têm ao menos 30 alunos.",
        "Error rates by gender, school type and phase band; disparities outside 0.8–1.25 are "
        "flagged when both groups have at least 30 students.",
    ),
    "exp.train_title": ("Treinar modelos (administração)", "Train models (administrators)"),
    "exp.train_presets": ("Configurações", "Presets"),
    "exp.train_button": ("Treinar", "Train"),
    "exp.training_start": ("Preparando o treino", "Preparing training"),
    "exp.training": (
        "Treinando {preset} ({i} de {n})",
        "Training {preset} ({i} of {n})",
    ),
    "exp.training_done": ("Treino concluído", "Training finished"),
    "exp.trained": (
        "{n} configuração(ões) treinada(s). Compare abaixo e promova na página Modelos.",
        "{n} preset(s) trained. Compare below and promote on the Models page.",
    ),
    # Modelos
    "modelos.title": ("Modelos", "Models"),
    "modelos.none": (
        "Nenhum modelo treinado ainda. Treine na página **Experimentos** (administração) "
        "ou com 'passos train --all'.",
        "No model trained yet. Train on the **Experiments** page (administrators) or with "
        "'passos train --all'.",
    ),
    "modelos.no_production": (
        "Nenhum modelo em produção: promova uma versão abaixo para gerar a lista de risco.",
        "No model in production: promote a version below to produce the risk list.",
    ),
    "modelos.version": ("Versão", "Version"),
    "modelos.previous": ("Versão anterior", "Previous version"),
    "modelos.aliases": ("Situação", "Aliases"),
    "modelos.gate": ("Verificação de qualidade", "Quality gate"),
    "modelos.gate_ok": ("aprovada", "passed"),
    "modelos.gate_fail": ("reprovada", "failed"),
    "modelos.challenger": ("Versão candidata", "Challenger version"),
    "modelos.compare_title": (
        "Candidata × produção × persistência",
        "Challenger × production × persistence",
    ),
    "modelos.challenger_label": ("Candidata v{v}", "Challenger v{v}"),
    "modelos.production_label": ("Produção v{v}", "Production v{v}"),
    "modelos.baseline_label": ("Persistência (referência)", "Persistence (baseline)"),
    "modelos.rule_label": ("Regra da fase (referência)", "Phase rule (baseline)"),
    "modelos.candidate_name": ("A candidata v{v}", "Challenger v{v}"),
    "modelos.production_name": ("a produção v{v}", "production v{v}"),
    "modelos.persistence_name": ("a persistência", "persistence"),
    "modelos.rule_name": ("a regra da fase", "the phase rule"),
    "modelos.vs_title": ("Dá para distinguir?", "Can they be told apart?"),
    "modelos.vs_caption": (
        "Diferenças medidas nos mesmos alunos do ano de teste, com intervalo de 95% por "
        "reamostragem pareada. Se o intervalo inclui 0, a diferença pode ser acaso.",
        "Differences measured on the same students of the test year, with a 95% paired "
        "bootstrap interval. If the interval includes 0, the difference could be chance.",
    ),
    "modelos.not_comparable": (
        "A candidata e a produção v{v} foram testadas em alunos diferentes (outro ano de teste "
        "ou outros dados): não dá para compará-las diretamente.",
        "The challenger and production v{v} were tested on different students (another test "
        "year or other data): they cannot be compared directly.",
    ),
    "modelos.gate_passed": (
        "A versão {v} passou na verificação: supera a referência mais forte com ganho claro, "
        "não é pior que a produção e não tem disparidade prejudicial entre grupos.",
        "Version {v} passed the gate: it beats the strongest baseline by a clear margin, is not "
        "worse than production and has no harmful group disparity.",
    ),
    "modelos.gate_failed": (
        "A versão {v} não passou na verificação: {reasons}.",
        "Version {v} failed the gate: {reasons}.",
    ),
    "modelos.scoring_candidate": (
        "Calculando a lista que a candidata faria…",
        "Scoring the list the challenger would make…",
    ),
    "modelos.top_change": (
        "Alunos que saem dos 100 primeiros",
        "Students leaving the top 100",
    ),
    "modelos.top_change_help": (
        "Dos 100 alunos de maior risco hoje, quantos sairiam da lista com a candidata.",
        "Of today's 100 riskiest students, how many would leave the list with the challenger.",
    ),
    "modelos.top_change_failed": (
        "Não foi possível calcular a lista que esta versão faria (veja o registro do servidor).",
        "Could not compute the list this version would make (see the server log).",
    ),
    "modelos.group_audit": ("Auditoria por grupos da versão {v}", "Group audit of version {v}"),
    "modelos.promote_title": ("Promover a versão {v}", "Promote version {v}"),
    "modelos.override_hint": (
        "Esta versão não passou na verificação. Promovê-la mesmo assim fica registrado como "
        "exceção, com o motivo.",
        "This version failed the gate. Promoting it anyway is recorded as an exception, with the "
        "reason.",
    ),
    "modelos.reason_required": (
        "Escreva o motivo para habilitar a promoção (fica registrado com quem e quando).",
        "Write the reason to enable the promotion (recorded with who and when).",
    ),
    "modelos.confirm_title": ("Confirme a promoção da versão {v}", "Confirm promoting version {v}"),
    "modelos.confirm_replaces": (
        "Ao confirmar, a versão {v} passa a gerar a lista de risco no lugar da versão {prod}, "
        "e a lista é recalculada agora.",
        "On confirming, version {v} produces the risk list instead of version {prod}, and the "
        "list is re-scored now.",
    ),
    "modelos.confirm_first": (
        "Ao confirmar, a versão {v} passa a gerar a lista de risco (hoje não há modelo em "
        "produção).",
        "On confirming, version {v} produces the risk list (no model is in production today).",
    ),
    "modelos.confirm_top": (
        "{n} dos 100 alunos de maior risco hoje sairiam da lista.",
        "{n} of today's 100 riskiest students would leave the list.",
    ),
    "modelos.confirm_reason": ("Motivo registrado: {reason}", "Recorded reason: {reason}"),
    "modelos.confirm_button": ("Confirmar promoção", "Confirm promotion"),
    "modelos.cancel_button": ("Cancelar", "Cancel"),
    "modelos.reason": ("Motivo", "Reason"),
    "modelos.reason_placeholder": (
        "Por que esta versão deve ir para produção?",
        "Why should this version go to production?",
    ),
    "modelos.promote_button": ("Promover…", "Promote…"),
    "modelos.override_button": ("Promover mesmo assim…", "Promote anyway…"),
    "modelos.promoting": (
        "Atualizando o modelo e recalculando a lista…",
        "Updating the model and re-scoring the list…",
    ),
    "modelos.promoted": (
        "Versão {v} em produção. A lista de risco já foi recalculada.",
        "Version {v} is in production. The risk list was re-scored.",
    ),
    "modelos.rollback_title": (
        "Reverter para a versão anterior ({v})",
        "Revert to the previous version ({v})",
    ),
    "modelos.rollback_button": ("Reverter", "Revert"),
    "modelos.rolled_back": (
        "Versão {v} de volta em produção.",
        "Version {v} is back in production.",
    ),
    "modelos.audit_title": ("Histórico de promoções", "Promotion history"),
    "modelos.audit_empty": ("Nenhuma promoção ainda.", "No promotion yet."),
    # Risco
    "risco.title": ("Lista de risco", "Risk list"),
    "risco.no_model": (
        "Nenhum modelo em produção: treine e promova na página **Modelos** para ver a lista.",
        "No model in production: train and promote on the **Models** page to see the list.",
    ),
    "risco.no_predictions": (
        "O modelo em produção ainda não pontuou os alunos. Processe os dados de novo na "
        "página Dados ou rode 'passos score'.",
        "The production model has not scored the students yet. Process the data again on the "
        "Data page or run 'passos score'.",
    ),
    "risco.caption": (
        "Alunos de {year} ordenados pelo risco de defasagem em {next_year} (modelo versão "
        "{version}).",
        "Students of {year} ranked by their risk of lagging in {next_year} (model version "
        "{version}).",
    ),
    "risco.classes": ("Classes", "Classes"),
    "risco.filter_all": ("Todas", "All"),
    "risco.capacity": (
        "Quantos alunos a equipe consegue acompanhar?",
        "How many students can the team follow up?",
    ),
    "risco.capacity_all": ("Todos", "All"),
    "risco.capacity_help": (
        "Corta a lista nos primeiros N alunos de maior risco.",
        "Cuts the list at the N riskiest students.",
    ),
    "risco.summary": (
        "**{n}** alunos na lista (**{critical}** Críticos, **{alert}** em Alerta) de {total} "
        "com os filtros.",
        "**{n}** students in the list (**{critical}** Critical, **{alert}** Alert) out of "
        "{total} with the filters.",
    ),
    "risco.empty": (
        "Nenhum aluno com estes filtros.",
        "No student with these filters.",
    ),
    "risco.download_csv": ("Baixar CSV", "Download CSV"),
    "risco.download_xlsx": ("Baixar Excel", "Download Excel"),
    # Aluno
    "aluno.title": ("Aluno", "Student"),
    "aluno.search": ("Buscar aluno pelo RA ou nome", "Find a student by RA or name"),
    "aluno.search_placeholder": ("Digite o RA", "Type the RA"),
    "aluno.pick": (
        "Escolha um aluno para ver o histórico, a previsão e os motivos.",
        "Pick a student to see the history, the prediction and its reasons.",
    ),
    "aluno.not_scored": (
        "Este aluno não está no ano pontuado pelo modelo em produção.",
        "This student is not in the year scored by the production model.",
    ),
    "aluno.prediction_title": ("Previsão para {year}", "Prediction for {year}"),
    "aluno.reasons": ("**Por que este risco:**", "**Why this risk:**"),
    "aluno.history_title": ("Histórico", "History"),
    "aluno.defasagem_chart": (
        "Defasagem por ano (rótulo: Pedra)",
        "Lag by year (label: Pedra)",
    ),
    "aluno.pedra_caption": (
        "Defasagem negativa = anos atrás da fase ideal. Vermelho: Crítico (≤ {critical}), "
        "laranja: Alerta (≤ {alert}), verde: Esperado.",
        "Negative lag = years behind the ideal phase. Red: Critical (≤ {critical}), orange: "
        "Alert (≤ {alert}), green: Expected.",
    ),
    "aluno.phase_title": (
        "Comparado com a Fase {fase} em {year} ({n} alunos)",
        "Compared with Phase {fase} in {year} ({n} students)",
    ),
    "aluno.student": ("Aluno", "Student"),
    "aluno.phase_median": ("Mediana da fase", "Phase median"),
    # Casos (case follow-up)
    "nav.casos": ("Casos", "Cases"),
    "action.case": ("caso de aluno alterado", "student case change"),
    "action.case_action_types": ("tipos de ação alterados", "action types change"),
    "case_status.to_contact": ("a contatar", "to contact"),
    "case_status.in_progress": ("em acompanhamento", "being followed"),
    "case_status.not_found": ("não localizado", "not found"),
    "case_status.closed": ("encerrado", "closed"),
    "case_event.opened": ("caso aberto", "case opened"),
    "case_event.edited": ("caso editado", "case edited"),
    "case_event.action_added": ("ação registrada", "action recorded"),
    "case_field.responsible": ("responsável", "responsible"),
    "case_field.status": ("situação", "status"),
    "case_field.notes": ("anotações", "notes"),
    "case_field.next_step": ("próximo passo", "next step"),
    "case_field.next_step_on": ("data do próximo passo", "next step date"),
    "case_field.action_type": ("ação", "action"),
    "case_field.done_on": ("feita em", "done on"),
    "case.col_responsible": ("Responsável", "Responsible"),
    "case.col_status": ("Situação do caso", "Case status"),
    "case.col_next_step": ("Próximo passo", "Next step"),
    "case.col_next_step_on": ("Data do próximo passo", "Next step date"),
    "case.col_year": ("Lista de", "List of"),
    "case.col_overdue": ("Atrasado", "Overdue"),
    "case.col_actions": ("Ações", "Actions"),
    "case.col_last_action": ("Última ação", "Last action"),
    "case.col_what": ("O que mudou", "What changed"),
    "case.col_event": ("Evento", "Event"),
    "case.col_action_type": ("Ação", "Action"),
    "case.col_done_on": ("Feita em", "Done on"),
    "case.overdue_yes": ("⚠ atrasado", "⚠ overdue"),
    "case.redacted": (
        "{field}: alteradas (o texto fica só no caso)",
        "{field}: changed (the text stays on the case)",
    ),
    "case.change": ("{field}: {old} → {new}", "{field}: {old} → {new}"),
    "case.nobody": ("— sem responsável —", "— nobody —"),
    "case.none_value": ("—", "—"),
    "case.my_title": ("Meus casos", "My cases"),
    "case.my_none": (
        "Nenhum caso aberto sob sua responsabilidade. Os casos são abertos na página Casos.",
        "No open case under your responsibility. Cases are opened on the Cases page.",
    ),
    "case.my_overdue": (
        "{n} caso(s) com o próximo passo atrasado: eles aparecem primeiro.",
        "{n} case(s) with an overdue next step: they come first.",
    ),
    "case.timeline_title": ("Acompanhamento do aluno", "Student follow-up"),
    "case.timeline_none": (
        "Nenhum caso aberto para este aluno em nenhum ano.",
        "No case opened for this student in any year.",
    ),
    "case.timeline_case": (
        "Lista de {year} · {status} · responsável: {who}",
        "List of {year} · {status} · responsible: {who}",
    ),
    "case.timeline_next": (
        "Próximo passo: {step} (até {when})",
        "Next step: {step} (by {when})",
    ),
    "case.timeline_notes": ("Anotações", "Notes"),
    "case.timeline_actions": ("Ações feitas", "Actions taken"),
    "case.timeline_history": ("Histórico de alterações", "Change history"),
    "casos.title": ("Casos", "Cases"),
    "casos.intro": (
        "A mesa de acompanhamento: quem cuida de cada aluno apontado, o que já foi feito e qual "
        "é o próximo passo. Toda alteração fica registrada (quem, quando, o quê).",
        "The follow-up desk: who looks after each flagged student, what was done and what the "
        "next step is. Every change is recorded (who, when, what).",
    ),
    "casos.no_list": (
        "Ainda não há lista de risco: os casos são abertos para os alunos apontados por uma "
        "lista. Carregue os dados e promova um modelo primeiro.",
        "No risk list yet: cases are opened for the students a list flags. Load the data and "
        "promote a model first.",
    ),
    "casos.year": ("Lista do ano", "List of year"),
    "casos.year_title": ("Casos da lista de {year}", "Cases of the {year} list"),
    "casos.flagged": ("Alunos apontados", "Flagged students"),
    "casos.with_case": ("Com caso aberto", "With a case"),
    "casos.without_case": ("Sem caso", "Without a case"),
    "casos.unassigned": ("Casos sem responsável", "Cases without responsible"),
    "casos.filter_status": ("Situação", "Status"),
    "casos.filter_responsible": ("Responsável", "Responsible"),
    "casos.filter_all": ("Todos", "All"),
    "casos.filter_unassigned": ("Sem responsável", "No responsible"),
    "casos.year_none": (
        "Nenhum caso com esses filtros.",
        "No case with these filters.",
    ),
    "casos.form_title": ("Abrir ou editar um caso", "Open or edit a case"),
    "casos.student": ("Aluno apontado", "Flagged student"),
    "casos.student_option": ("{ra} · {nome} ({classe})", "{ra} · {nome} ({classe})"),
    "casos.new_case": (
        "Este aluno ainda não tem caso nesta lista: salvar abre o caso.",
        "This student has no case on this list yet: saving opens it.",
    ),
    "casos.existing_case": (
        "Caso aberto por {who} em {when}.",
        "Case opened by {who} on {when}.",
    ),
    "casos.responsible": ("Responsável", "Responsible"),
    "casos.status": ("Situação", "Status"),
    "casos.notes": ("Anotações (só ficam no caso)", "Notes (kept on the case only)"),
    "casos.notes_help": (
        "Dados sensíveis de um menor: escreva só o necessário para o acompanhamento.",
        "Sensitive data about a minor: write only what the follow-up needs.",
    ),
    "casos.next_step": ("Próximo passo", "Next step"),
    "casos.next_step_on": ("Data do próximo passo", "Next step date"),
    "casos.action_type": ("Registrar uma ação feita", "Record an action taken"),
    "casos.action_none": ("— nenhuma ação agora —", "— no action now —"),
    "casos.action_on": ("Data da ação", "Action date"),
    "casos.action_help": (
        "Registrar uma ação em um caso 'a contatar' o passa para 'em acompanhamento'.",
        "Recording an action on a case 'to contact' moves it to 'being followed'.",
    ),
    "casos.save": ("Salvar caso", "Save case"),
    "casos.saved": ("Caso salvo.", "Case saved."),
    "casos.nothing_changed": ("Nada mudou no caso.", "Nothing changed on the case."),
    "casos.types_title": ("Tipos de ação (administração)", "Action types (administration)"),
    "casos.types_caption": (
        "A lista de ações que a coordenação escolhe ao registrar o que foi feito. Desativar um "
        "tipo não apaga as ações já registradas com ele.",
        "The actions coordinators choose from when recording what was done. Deactivating a "
        "type keeps the actions already recorded with it.",
    ),
    "casos.types_name": ("Tipo de ação", "Action type"),
    "casos.types_active": ("Ativo", "Active"),
    "casos.types_new": ("Novo tipo de ação", "New action type"),
    "casos.types_add": ("Adicionar", "Add"),
    "casos.types_added": ("Tipo de ação adicionado.", "Action type added."),
    "casos.types_pick": ("Tipo a ativar ou desativar", "Type to activate or deactivate"),
    "casos.types_toggle": ("Ativar / desativar", "Activate / deactivate"),
    "casos.types_toggled": ("Tipo de ação atualizado.", "Action type updated."),
    "casos.outcomes_title": (
        "Acompanhados × não acompanhados: como estavam no ano seguinte",
        "Followed × not followed: how they were the next year",
    ),
    "casos.outcomes_intro": (
        "Lista de {year} × resultado em {next_year}. Isto é uma associação, nunca prova de "
        "efeito: quem recebeu acompanhamento foi escolhido por pessoas, por motivos que também "
        "afetam o resultado. Acompanhado = caso com ao menos uma ação registrada.",
        "List of {year} × outcome in {next_year}. This is an association, never proof of "
        "effect: who was followed was chosen by people, for reasons that also affect the "
        "outcome. Followed = a case with at least one recorded action.",
    ),
    "casos.outcomes_none": (
        "A comparação aparece quando houver uma lista cujo ano seguinte já foi carregado.",
        "The comparison appears once a list's next year is loaded.",
    ),
    "casos.outcomes_small": (
        "Grupos marcados com ⚠ têm menos de {n} alunos com resultado conhecido: a proporção "
        "pode mudar muito com um ou dois alunos; não tire conclusões deles.",
        "Groups marked ⚠ have fewer than {n} students with a known outcome: one or two "
        "students can change the share a lot; draw no conclusion from them.",
    ),
    "casos.outcomes_group": ("Grupo", "Group"),
    "casos.outcomes_followed": ("Acompanhados", "Followed"),
    "casos.outcomes_not_followed": ("Não acompanhados", "Not followed"),
    "casos.outcomes_action": ("Com a ação: {name}", "With the action: {name}"),
    "casos.outcomes_flagged": ("Apontados", "Flagged"),
    "casos.outcomes_known": ("Com resultado conhecido", "With a known outcome"),
    "casos.outcomes_lagged": ("Crítico ou Alerta no ano seguinte", "Critical or Alert next year"),
    "casos.outcomes_share": ("Proporção", "Share"),
    "casos.outcomes_caution": ("⚠ poucos alunos", "⚠ few students"),
    # Acompanhamento
    "acomp.title": ("Acompanhamento da lista", "List follow-up"),
    "acomp.intro": (
        "Quando chega um ano novo, veja como a lista do ano anterior se saiu: quem ela "
        "apontou e realmente defasou, e quem ela deixou de fora.",
        "When a new year arrives, see how last year's list did: whom it flagged who really "
        "lagged, and whom it missed.",
    ),
    "acomp.none": (
        "Ainda não dá para conferir: é preciso uma lista feita em um ano e os dados do ano "
        "seguinte. Quando a planilha do próximo ano for carregada, o resultado aparece aqui.",
        "Nothing to check yet: it needs a list made on one year and the data of the next "
        "year. When next year's spreadsheet is loaded, the outcome appears here.",
    ),
    "acomp.header": (
        "Lista de {year} (modelo versão {version}) × o que aconteceu em {next_year}",
        "List of {year} (model version {version}) × what happened in {next_year}",
    ),
    "acomp.flagged": ("Apontados (Crítico ou Alerta)", "Flagged (Critical or Alert)"),
    "acomp.really_lagged": ("Realmente defasaram", "Really lagged"),
    "acomp.really_lagged_help": (
        "Entre os apontados que aparecem no ano seguinte.",
        "Among the flagged students who appear in the next year.",
    ),
    "acomp.missed": ("Não apontados que defasaram", "Missed who lagged"),
    "acomp.missed_help": (
        "Alunos que a lista deixou de fora e que ficaram Críticos ou em Alerta.",
        "Students the list left out who became Critical or Alert.",
    ),
    "acomp.not_seen": ("Não aparecem no ano seguinte", "Not in the next year"),
    "acomp.not_seen_help": (
        "Saíram da Passos Mágicos ou não foram avaliados: sem resultado para comparar.",
        "Left Passos Mágicos or were not evaluated: no outcome to compare.",
    ),
    "acomp.matrix_title": ("Previsto × real", "Predicted × actual"),
    "acomp.missed_title": ("Quem a lista deixou de fora ({n})", "Whom the list missed ({n})"),
    "acomp.missed_none": (
        "A lista não deixou ninguém de fora.",
        "The list missed nobody.",
    ),
    "acomp.predicted": ("Previsto", "Predicted"),
    "acomp.real": ("Real", "Actual"),
    "acomp.year": ("Lista de qual ano", "List of which year"),
    "acomp.precision": ("Precisão", "Precision"),
    "acomp.precision_help": (
        "Dos apontados que aparecem no ano seguinte, quantos realmente ficaram Críticos ou em "
        "Alerta.",
        "Of the flagged students who appear in the next year, how many really became Critical "
        "or Alert.",
    ),
    "acomp.recall": ("Cobertura (recall)", "Coverage (recall)"),
    "acomp.recall_help": (
        "Dos que ficaram Críticos ou em Alerta no ano seguinte, quantos a lista tinha apontado.",
        "Of those who became Critical or Alert the next year, how many the list had flagged.",
    ),
    "acomp.by_class_title": ("Por classe", "By class"),
    "acomp.col_flagged": ("Apontados", "Flagged"),
    "acomp.col_known": ("No ano seguinte", "In the next year"),
    "acomp.col_lagged": ("Crítico ou Alerta depois", "Critical or Alert after"),
    "acomp.col_exact": ("Mesma classe depois", "Same class after"),
    "acomp.col_missed": ("Não apontados nesta classe", "Missed in this class"),
    "acomp.hits_title": (
        "Apontados que realmente defasaram ({n})",
        "Flagged students who really lagged ({n})",
    ),
    # Probable copies (banner on Início, Risco, Aluno; review on Dados)
    "copy.banner": (
        "Atenção: os dados de {year} parecem uma cópia dos de {previous} (Defasagem igual "
        "para {share} dos alunos) e ainda não foram revisados. Confira a planilha de {year} "
        "antes de usar estas previsões; a revisão é feita na página Dados.",
        "Warning: the {year} data look like a copy of {previous} (same Defasagem for {share} "
        "of the students) and have not been reviewed yet. Check the {year} spreadsheet before "
        "using these predictions; the review is done on the Data page.",
    ),
    "copy.review_title": ("Provável cópia: {year}", "Probable copy: {year}"),
    "copy.review_intro": (
        "Enquanto o ano não for revisado, a lista, as exportações e a API avisam que os dados "
        "podem ser uma cópia, e as transições {previous}→{year} ficam fora do treino.",
        "Until the year is reviewed, the list, the exports and the API warn that the data may "
        "be a copy, and the {previous}→{year} transitions stay out of training.",
    ),
    "copy.reason": ("Motivo da decisão (obrigatório)", "Reason for the decision (required)"),
    "copy.reason_placeholder": (
        "por exemplo: planilha conferida com a secretaria",
        "e.g. spreadsheet checked with the school office",
    ),
    "copy.accept": ("Aceitar o ano {year}", "Accept year {year}"),
    "copy.keep": ("Manter o aviso", "Keep the warning"),
    "copy.need_reason": (
        "Escreva o motivo antes de decidir.",
        "Write the reason before deciding.",
    ),
    "copy.accepted": (
        "Ano {year} aceito: o aviso saiu das listas e as transições entram no treino.",
        "Year {year} accepted: the warning left the lists and the transitions enter training.",
    ),
    "copy.kept": (
        "Aviso de {year} mantido; a decisão foi registrada.",
        "Warning of {year} kept; the decision was recorded.",
    ),
    "copy.history": ("Decisões sobre cópias", "Copy decisions"),
    "copy.decision_accept": ("aceito", "accepted"),
    "copy.decision_keep": ("aviso mantido", "warning kept"),
    "copy.admin_only": (
        "Um administrador pode aceitar o ano ou manter o aviso nesta página.",
        "An administrator can accept the year or keep the warning on this page.",
    ),
    # Why a class, why this order (Risco, Aluno)
    "why.above_critical": (
        "{label} porque P(Crítico) = {p_critical}, acima do limiar de {t_critical} usado para "
        "esse modelo.",
        "{label} because P(Critical) = {p_critical}, above the {t_critical} threshold used "
        "for this model.",
    ),
    "why.above_lagging": (
        "{label} porque P(Crítico) = {p_critical} ficou abaixo do limiar de {t_critical}, mas "
        "P(Crítico ou Alerta) = {p_lagging} está acima do limiar de {t_lagging} usado para "
        "esse modelo.",
        "{label} because P(Critical) = {p_critical} is below the {t_critical} threshold, but "
        "P(Critical or Alert) = {p_lagging} is above the {t_lagging} threshold used for this "
        "model.",
    ),
    "why.below_both": (
        "{label} porque P(Crítico) = {p_critical} e P(Crítico ou Alerta) = {p_lagging} ficaram "
        "abaixo dos limiares de {t_critical} e {t_lagging} usados para esse modelo.",
        "{label} because P(Critical) = {p_critical} and P(Critical or Alert) = {p_lagging} are "
        "below the {t_critical} and {t_lagging} thresholds used for this model.",
    ),
    "why.no_thresholds": (
        "{label}: P(Crítico) = {p_critical}, P(Crítico ou Alerta) = {p_lagging}.",
        "{label}: P(Critical) = {p_critical}, P(Critical or Alert) = {p_lagging}.",
    ),
    "why.order": (
        "A lista está em ordem de **risco de defasagem** = P(Crítico) + P(Alerta), do maior "
        "para o menor (coluna *Risco*). A classe vem das regras de decisão do modelo (coluna "
        "*Por que nesta classe*), por isso um aluno em Alerta pode vir antes de um Crítico.",
        "The list is ordered by **lagging risk** = P(Critical) + P(Alert), highest first "
        "(column *Risk*). The class comes from the model's decision rule (column *Why this "
        "class*), so an Alert student can come before a Critical one.",
    ),
    "col.risk_score": ("Risco (ordem)", "Risk (order)"),
    "col.why": ("Por que nesta classe", "Why this class"),
    "risco.year": ("Lista do ano", "List of year"),
    "risco.year_help": (
        "A lista de um ano é a que foi entregue naquele ano, mesmo depois de novos dados ou "
        "modelos.",
        "A year's list is the one given that year, even after new data or models.",
    ),
    "aluno.why_title": ("**Por que nesta classe:**", "**Why this class:**"),
    "common.tz_label": ("horário de {city}", "{city} time"),
}


def language() -> str:
    """The language chosen in the sidebar (Portuguese outside a Streamlit session)."""
    try:
        import streamlit as st

        code = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    except Exception:  # no Streamlit session (plain Python, unit tests)
        return DEFAULT_LANGUAGE
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def init_language() -> None:
    """Default the language switch to Portuguese on the first run of a session."""
    import streamlit as st

    if st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE


def t(key: str, **values: Any) -> str:
    """The text of ``key`` in the current language, with ``{placeholders}`` filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry[1] if language() == "en" else entry[0]
    return text.format(**values) if values else text
