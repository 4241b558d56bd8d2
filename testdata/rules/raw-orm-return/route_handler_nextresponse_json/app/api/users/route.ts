import { NextResponse } from "next/server";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function GET() {
  const me = await requireUser();
  const rows = await prisma.user.findMany({ where: { teamId: me.id } });
  return NextResponse.json(rows); // want "raw-orm-return"
}
